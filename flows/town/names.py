"""Name tables of the synthetic town: 課, their 係, subjects, task kinds and actions.

Pure data plus the parser that turns it into one task catalogue per 課. A catalogue
depends on nothing but these tables, so a task's code (``SH-012``) is the same in
every seed and every year; ``flows.town.survey`` only decides which tasks a 課 reports and
with which numbers.

A department line reads ``部 課 CODE | 係 token token … | 係 token …`` (係 ``-`` = none).
A token is ``subject:type`` (the subject × every action of that type) or
``!task name=kind`` (one literal task); either may end in ``#median volume`` and
``@peak months`` (``3-4``, ``3,6,9,12``, ``all``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """Distributions of one task archetype; weights follow the schema's enum order."""

    routine: tuple[float, float, float]  # 定型, 一部定型, 非定型
    judgement: tuple[float, float, float]  # なし, 一部あり, あり
    medium: tuple[float, float, float, float]  # 電子, 紙（活字）, 紙（手書き）, 混在
    volume: float  # median cases a year
    minutes: float  # median minutes a case
    verification: tuple[float, float, float]  # 必須, 一部, 不要
    exceptions: tuple[float, float, float]  # 多い, 時々, 少ない
    label: str  # 小分類 when a 課 fills it


KINDS: dict[str, Kind] = {
    "apply": Kind((5, 4, 1), (3, 6, 1), (0.5, 1.5, 7, 1), 600, 15, (6, 3, 1), (2, 5, 3), "受付"),
    "entry": Kind((8, 2, 0), (7, 3, 0), (0.5, 3, 5.5, 1), 1500, 5, (7, 2, 1), (1, 3, 6), "入力"),
    "digital": Kind((7, 3, 0), (7, 3, 0), (9, 0, 0, 1), 400, 10, (2, 5, 3), (1, 3, 6), "電子処理"),
    "notice": Kind((8, 2, 0), (8, 2, 0), (7, 2, 0, 1), 1000, 3, (3, 4, 3), (1, 2, 7), "通知・発送"),
    "review": Kind((2, 6, 2), (0, 4, 6), (2, 4, 2, 2), 300, 20, (6, 3, 1), (3, 5, 2), "審査"),
    # Talk, not forms: answers need a person (非定型・判断あり) and notes go straight into a system.
    "consult": Kind((0, 0, 1), (0, 0, 1), (9, 0, 0, 1), 800, 20, (1, 3, 6), (6, 3, 1), "相談"),
    "liaise": Kind((0, 1, 9), (0, 2, 8), (8, 0, 0, 2), 40, 60, (1, 3, 6), (6, 3, 1), "調整"),
    "field": Kind((0, 3, 7), (0, 2, 8), (1, 1, 2, 6), 80, 120, (5, 4, 1), (5, 4, 1), "現地"),
    "report": Kind((3, 5, 2), (2, 6, 2), (7, 1, 0, 2), 12, 120, (3, 5, 2), (2, 5, 3), "報告"),
    "manage": Kind((0, 2, 8), (0, 1, 9), (5, 0, 0, 5), 20, 180, (2, 5, 3), (5, 4, 1), "企画"),
    "event": Kind((1, 5, 4), (1, 5, 4), (3, 1, 1, 5), 15, 240, (2, 4, 4), (4, 4, 2), "行事"),
    "record": Kind((3, 6, 1), (3, 6, 1), (8, 0, 0, 2), 40, 120, (3, 5, 2), (2, 5, 3), "記録"),
}

# Subject types: the steps a subject of that type is broken into (label=kind).
_TYPES = """
benefit 認定請求の受付（窓口）=apply 認定請求の受付（郵送）=apply 電子申請の受付処理=digital 認定審査=review 受給者台帳の入力=entry 決定通知書の作成・発送=notice 現況届の受付=apply 現況届の審査・入力=entry 変更届の受付・入力=entry 支給事務=digital 返還金の処理=review 問合せ対応=consult 実績報告=report
tax 申告書の受付=apply 申告書の入力=entry 課税資料の照合=digital 賦課計算・決定=digital 納税通知書の作成・発送=notice 更正処理=review 減免申請の受付・審査=review 異動届の受付・入力=entry 課税台帳の整備=digital 実態調査=field 問合せ対応=consult 統計報告=report
collect 口座振替依頼書の入力=entry 収納データの取込・消込=digital 督促状の発送=notice 催告書の作成・発送=notice 納付相談=consult 分納誓約の管理=review 滞納処分=review 還付・充当の処理=digital 収納状況の集計=digital 財産調査=field
permit 事前相談=consult 申請受付=apply 申請内容の審査=review 現地確認=field 決定通知の作成・交付=notice 台帳の更新=digital 変更・廃止届の処理=entry 手数料の収納=digital 統計報告=report 問合せ対応=consult
cert 交付（窓口）=apply 交付（郵送請求）=apply コンビニ交付分の照合=digital 手数料の集計=digital 請求書の整理・保存=entry 第三者請求の審査=review 問合せ対応=consult
move 受付（窓口）=apply システム入力=entry 本人確認・審査=review 関連手続の案内=consult 異動通知の作成・発送=notice 住基ネットの照合=digital
family 届書の受付=apply 届書の審査=review 戸籍システムへの入力=entry 届書の法務局送付=notice 関係課への通知=notice 戸籍統計の報告=report 問合せ対応=consult
insurance 資格取得届の受付=apply 資格喪失届の受付=apply 資格異動の入力=entry 資格確認書の発行=notice 給付申請の受付=apply 給付の審査=review 給付の支払=digital レセプト点検=review 保険料の賦課計算=digital 保険料の減免審査=review 問合せ対応=consult 国・県への報告=report
works 要望の受付=apply 現地調査=field 設計書の作成=manage 工事の発注事務=digital 工事監督=field 工事の完成検査=field 維持管理・点検=field 修繕の手配=review 台帳の更新=digital 委託業務の管理=review 地元説明・調整=liaise
asset 使用申請の受付=apply 使用料の収納=digital 点検・保守の手配=review 修繕の発注=digital 台帳の管理=digital 委託業務の管理=review 苦情・要望対応=consult 現地確認=field
event 企画・準備=manage 参加申込の受付=apply 申込データの入力=entry 会場・講師との調整=liaise 当日の運営=event アンケートの集計=entry 実施報告の作成=report 周知・広報=notice 謝礼等の支払事務=digital
subsidy 交付申請の受付=apply 交付申請の審査=review 交付決定通知の発送=notice 実績報告の審査=review 補助金の支払事務=digital 補助台帳の管理=digital 要綱の改正=manage 問合せ対応=consult
plan 方針の検討=manage 資料の作成=manage 会議の運営=event 議事録の作成=record 進捗管理=manage 関係機関との調整=liaise 照会への回答=report 実績の取りまとめ=report データの集計=digital
care 相談受付=consult 訪問調査=field 支援計画の作成=manage ケース記録の入力=record 関係機関との調整=liaise 申請受付=apply 審査・決定=review 給付費の支払=digital 実績報告=report
survey 調査員の募集・任命=apply 調査員説明会の運営=event 調査票の配布・回収=notice 調査票の審査=review 調査票の入力=entry 集計・報告=report 問合せ対応=consult
contract 入札の公告=notice 入札参加資格の審査=review 開札事務=event 契約書の作成=entry 契約の締結事務=review 履行確認=field 支払事務=digital 業者登録の受付=apply
personnel 届出の受付=apply 認定審査=review 給与システムへの入力=entry 支給額の計算=digital 通知の作成=notice 問合せ対応=consult 実績の集計=digital 報告=report
system 障害・問合せ対応=consult 利用者IDの登録・削除=digital 端末の設定・配布=field 保守業者との調整=liaise 改修要望の取りまとめ=manage 利用状況の集計=digital ライセンス管理=digital セキュリティ点検=review
"""

# Steps of any subject, used only when a 課 must report more tasks than its core list.
_GENERIC_STEPS = "起案・決裁=review 文書の整理・保存=entry 関係課との協議=liaise 進捗状況の集計=digital 年間計画の作成=manage 引継ぎ資料の作成=record"

# Channel splits of a reception task, used before the generic steps.
_CHANNELS = (("（郵送分）", "apply"), ("（電子申請分）", "digital"))

# Every 課 has these (全庁共通): 支出命令書の作成 is the textbook 横展開 candidate.
SPENDING_ORDER = "支出命令書の作成"
_COMMON = (
    f"!{SPENDING_ORDER}=digital#400 !会計年度任用職員の勤怠集計=entry#120 !時間外勤務の集計=digital#12 "
    "!旅費の精算=entry#80 !物品購入の見積・発注=digital#100 !文書の収受・発送=notice#1500 "
    "!予算要求資料の作成=manage#10@10-11 !議会答弁資料の作成=manage#15@3,6,9,12 !照会・調査への回答=report#40 "
    "!窓口相談対応=consult#2000 !電話での問合せ対応=consult#3000 !公文書の整理・保存=entry#12@3-4 "
    "!例規・要綱の改正=manage#10 !事務事業評価シートの作成=report#10@6-7 !委託契約の締結事務=review#20@3-4 "
    "!課内業務の進捗管理=manage#50 !職員の人事評価=manage#10@9-10"
)
# Always reported when the 課 reports enough tasks, in this order of priority.
LIKELY_COMMON = {"時間外勤務の集計": 0.8, "会計年度任用職員の勤怠集計": 0.7}

_DEPARTMENTS = """
総務部 総務課 SM | 文書法制係 !例規集の更新=digital#12 !公印の押印管理=review#400 !市民法律相談の予約受付=apply#300 情報公開請求:permit 個人情報開示請求:permit 行政不服審査:permit 例規審査:plan 文書管理システム:system | 庶務係 本庁舎:asset 公用車:asset 行政区:subsidy 自治会:subsidy 庁議:plan 国勢調査:survey@9-10 経済センサス:survey 工業統計調査:survey 住宅・土地統計調査:survey 市民意識調査:survey !叙勲・褒章の推薦事務=review#10
総務部 人事課 JJ | 人事係 !会計年度任用職員の任用事務=review#80@2-3 職員採用試験:event@5-9 職員研修:event 人事評価:plan@9-10 定員管理:plan 人事異動:plan@2-3 | 給与係 !給与の支給事務=digital#12 !年末調整=entry#450@11-12 !源泉徴収票の作成=digital#450@1 通勤手当:personnel@4 扶養手当:personnel@4 住居手当:personnel 児童手当（職員分）:personnel@6 共済組合:personnel 会計年度任用職員:personnel | 厚生係 職員健康診断:event@6-7 ストレスチェック:survey@10 公務災害:permit 職員互助会:subsidy
総務部 財政課 ZS | 財政係 !予算書の作成=manage#10@1-2 !決算統計の作成=report#10@6-7 !予算の執行管理=digital#300 予算編成:plan@10-12 補正予算:plan 決算:plan@5-9 地方交付税:plan@6-8 市債:plan 財政計画:plan 財務書類:plan 健全化判断比率:plan@8-9 基金運用:plan 国県支出金:plan 公共施設等総合管理計画:plan | 行政改革係 行政改革:plan 事務事業評価:plan@6-8 外部評価委員会:plan 指定管理者:plan 使用料・手数料の見直し:plan
総務部 契約管財課 KZ | 契約係 !入札参加資格審査申請の受付=apply#600@1-3 !電子入札システムの運用=digital#200 !契約保証金の管理=digital#100 建設工事:contract 業務委託:contract 物品購入:contract 測量・設計:contract 修繕:contract 指定管理:contract 賃貸借:contract 単価契約:contract 随意契約:contract 少額工事:contract | 管財係 !市有財産台帳の更新=digital#120 !物品の検査=field#300 !不用品の売払い=review#20 市有地:asset 普通財産:asset 庁舎駐車場:asset 公用車:asset 損害保険:permit
市民部 市民課 SH | 住民記録係 !転入届の受付・入力=entry#1800@3-4 転入届:move@3-4 転出届:move@3-4 転居届:move@3-4 世帯変更届:move 外国人住民の届出:move マイナンバーカード:permit 住民基本台帳の閲覧:permit | 証明係 !住民票の写し等交付=apply#30000@3-4 住民票の写し:cert@3-4 印鑑登録証明書:cert 戸籍証明書:cert 戸籍の附票の写し:cert 印鑑登録:permit | 戸籍係 出生届:family 婚姻届:family 離婚届:family 死亡届:family 転籍届:family 養子縁組届:family
市民部 税務課 ZM | 市民税係 !住民税の申告書入力=entry#6000@2-3 !給与支払報告書の入力=entry#12000@1-2 !公的年金等支払報告書の取込=digital#3000@1-2 個人住民税:tax@1-3 法人住民税:tax@5 特別徴収:tax@5-6 森林環境税:tax | 資産税係 !家屋調査=field#400 !土地評価の見直し=review#200 固定資産税:tax@4 都市計画税:tax@4 償却資産:tax@1 軽自動車税:tax@4-5 | 諸税係 !税務証明の交付=apply#5000@4-6 入湯税:tax 市たばこ税:tax 国民健康保険税:tax@6-7
市民部 収納課 SN | 収納係 !口座振替依頼書の入力=entry#2500@3-5 !コンビニ収納データの取込=digital#24000 市税:collect 個人住民税（普通徴収）:collect 固定資産税:collect 軽自動車税:collect 国民健康保険税:collect 介護保険料:collect 後期高齢者医療保険料:collect | 滞納整理係 !差押財産の公売=review#10 !徴収猶予の審査=review#30 保育料:collect 市営住宅使用料:collect 下水道使用料:collect 学校給食費:collect 放課後児童クラブ利用料:collect 延滞金:collect
市民部 保険年金課 HN | 国保係 !高額療養費の支給申請受付=apply#1500 !特定健康診査の受診券発送=notice#5000@5-6 !第三者行為求償事務=review#30 国民健康保険:insurance@4-6 特定健康診査:event@6-10 データヘルス計画:plan 出産育児一時金:benefit 葬祭費:benefit | 医療係 後期高齢者医療:insurance@8 子ども医療費助成:benefit@4 ひとり親家庭医療費助成:benefit@8 重度心身障害者医療費助成:benefit@8 | 年金係 !国民年金保険料免除申請の受付=apply#800@7 !年金相談=consult#1200 国民年金:permit
福祉部 福祉課 FK | 地域福祉係 民生委員:plan 社会福祉協議会:subsidy 避難行動要支援者名簿:plan 成年後見:care 戦没者追悼式:event@8 | 生活保護係 !生活保護の申請受付=apply#120 !生活保護費の支給事務=digital#12 !ケース訪問記録の入力=entry#1500 生活保護:care 生活困窮者自立支援:care 住居確保給付金:benefit 行旅病人:care 中国残留邦人支援:care 物価高騰対策給付金:benefit@7-9 災害見舞金:benefit
福祉部 子育て支援課 KS | 子育て支援係 !児童手当の認定請求受付=apply#900@6 児童手当:benefit@6 児童扶養手当:benefit@8 特別児童扶養手当:benefit@8 出産・子育て応援給付金:benefit ファミリーサポート:subsidy 地域子育て支援拠点:subsidy | 家庭相談係 家庭児童相談:care 要保護児童対策地域協議会:plan 養育支援訪問:care 配偶者暴力相談:care | 施設係 放課後児童クラブ:permit@1-3 子育て講座:event 子ども・子育て支援事業計画:plan
福祉部 高齢介護課 KK | 介護保険係 !介護保険の認定申請受付=apply#2400 介護保険:insurance 要介護認定:permit 介護認定審査会:plan 介護保険事業計画:plan 住宅改修費:benefit 福祉用具購入費:benefit 高額介護サービス費:benefit | 高齢福祉係 敬老祝金:benefit@9 敬老会:event@9 老人クラブ:subsidy 緊急通報システム:permit 配食サービス:permit 地域包括支援センター:plan 高齢者虐待:care
福祉部 障害福祉課 SF | 障害福祉係 !障害者手帳の交付申請受付=apply#600 身体障害者手帳:permit 療育手帳:permit 精神障害者保健福祉手帳:permit 障害福祉サービス:care 補装具費:benefit 日常生活用具:benefit 特別障害者手当:benefit 自立支援医療:benefit | 相談支援係 障害者相談支援:care 障害者虐待:care 障害福祉計画:plan 手話通訳者派遣:permit
建設部 建設課 KN | 道路係 !工事検査=field#40 !道路占用許可=review#300 市道:works 橋りょう:works 道路照明:works 側溝:works 道路占用:permit 境界立会:permit | 河川係 河川:works 水路:works 急傾斜地:works 法定外公共物:permit | 管理係 !工事の設計積算=manage#60 !建設工事の入札書類作成=entry#60 公共土木施設災害復旧:works
建設部 都市計画課 TK | 都市計画係 都市計画マスタープラン:plan 立地適正化計画:plan 用途地域:plan 地区計画:plan 都市計画道路:works 開発行為:permit 屋外広告物:permit 景観:permit 国土利用計画法の届出:permit | 公園係 都市公園:works 公園施設:asset 緑化推進:subsidy 空き家対策:care
建設部 上下水道課 JG | 業務係 !水道メーターの検針データ取込=digital#30000 !開閉栓の受付=apply#3000@3-4 水道料金:collect 下水道使用料:collect 下水道受益者負担金:tax 給水装置工事:permit 排水設備工事:permit 水道事業経営戦略:plan | 工務係 水道管:works 下水道管渠:works 漏水:works 浄水場:asset 汚水処理施設:asset 合併浄化槽:subsidy
教育委員会 学校教育課 GK | 学務係 !就学時健康診断の案内発送=notice#400@9-10 就学援助:benefit@4-5 奨学金:benefit 学区外就学:permit 学校給食費:collect 遠距離通学費補助:subsidy | 指導係 いじめ・不登校:care 教育支援センター:care 特別支援教育就学:care 教職員研修:event 学力調査:survey 部活動地域移行:plan GIGAスクール端末:system
教育委員会 生涯学習課 SG | 社会教育係 市民講座:event 成人式:event@1 家庭教育学級:event 人権教育:event 青少年健全育成:plan 社会教育委員会:plan 読書活動推進:plan 生涯学習推進計画:plan 子ども会:subsidy 社会教育団体:subsidy | 公民館係 公民館:asset 公民館講座:event 生涯学習施設:asset 放課後子ども教室:event 学習ボランティア:permit
会計管理者 会計課 KI | - !支出命令の審査=review#15000 !公金の収納・払出し=digital#5000 !歳計現金の管理=digital#250 !決算書の調製=manage#10@5-8 !指定金融機関との調整=liaise#50 !口座振込データの作成=digital#600 !物品出納=entry#800 財務会計システム:system 電子決裁:system キャッシュレス決済:system 会計事務研修:event 歳入歳出外現金:plan 基金:plan 例月出納検査:plan 出納整理:plan 公金振替:plan 債権者登録:permit
議会 議会事務局 GJ | 議事係 !議事録の作成=record#40 !本会議の運営=event#20@3,6,9,12 !議会だよりの編集=manage#10 本会議:plan 常任委員会:plan 特別委員会:plan 議会運営委員会:plan 一般質問:plan 請願・陳情:permit 議会中継:system | 庶務係 議員報酬:personnel 政務活動費:subsidy 行政視察:event 議長会:plan 議会図書室:asset
産業振興部 農林課 NR | 農政係 !農業者年金の受付=apply#50 !経営所得安定対策の申請受付=apply#600@4-6 農地中間管理事業:plan 新規就農者支援:subsidy 鳥獣被害対策:subsidy 有害鳥獣捕獲:permit 農業振興地域:permit 多面的機能支払交付金:subsidy 中山間地域等直接支払交付金:subsidy | 林業係 森林経営管理:plan 林道:works 森林整備:subsidy 伐採届:permit | 農地整備係 農道:works 用排水路:works ため池:works 土地改良区:subsidy
産業振興部 商工観光課 SK | 商工係 !中小企業融資のあっせん=review#120 !プレミアム付商品券の換金事務=digital#3000 商工会:subsidy 中小企業融資:permit セーフティネット認定:permit 創業支援:subsidy 企業誘致:plan 雇用対策:plan 消費喚起事業:subsidy | 観光係 !ふるさと納税の受付=digital#12000@11-12 !ワンストップ特例申請書の入力=entry#8000@1 !寄附金受領証明書の発送=notice#12000@12 !返礼品の発送依頼=digital#12000@11-12 観光協会:subsidy 観光イベント:event 観光案内所:asset 観光PR:plan 物産振興:event
市民部 環境課 KY | 環境保全係 公害苦情:care 不法投棄:care 騒音・振動:permit 浄化槽:permit 犬の登録:permit@4-6 狂犬病予防注射:event@4-6 住宅用太陽光発電:subsidy 環境基本計画:plan 地球温暖化対策実行計画:plan | ごみ対策係 粗大ごみ:permit 一般廃棄物処理業:permit 墓地:permit 資源回収団体:subsidy 生ごみ処理機:subsidy ごみ処理手数料:collect 斎場:asset
総務部 危機管理課 KR | 防災係 地域防災計画:plan 災害対応:plan 国民保護計画:plan 自主防災組織:subsidy 防災訓練:event@9 防災行政無線:asset 避難所:asset 備蓄品:asset 防災メール:system 消防団:personnel | 防犯交通係 防犯灯:subsidy 防犯カメラ:asset 放置自転車:asset 交通安全:event@4,9
企画部 企画課 KG | 企画係 総合計画:plan 総合戦略:plan 広域連携:plan 男女共同参画:plan 公共交通:plan 行政評価:plan 大学連携:plan SDGs推進:plan 地域公共交通会議:plan 地方創生交付金:subsidy コミュニティバス:asset 地域おこし協力隊:personnel 市民提案制度:permit | 統計係 統計書:plan 人口推計:plan
企画部 DX推進課 DX | 情報政策係 基幹系システム:system 内部情報系システム:system LGWAN端末:system ネットワーク:system グループウェア:system 電子申請システム:system 標準化・ガバメントクラウド移行:plan@all DX推進計画:plan 情報セキュリティ:plan 情報セキュリティ研修:event | 業務改革係 !業務量調査の取りまとめ=digital#40@6-8 !RPAシナリオの作成=manage#10 !AI-OCR帳票の設計=manage#10 RPA:system AI-OCR:system 生成AI:plan オープンデータ:plan マイナンバーカード利活用:plan
福祉部 健康推進課 KE | 保健係 !予防接種予診票の入力=entry#8000 !乳幼児健診の受付=apply#1200 予防接種:event 乳幼児健診:event がん検診:event@5-11 歯科健診:event 妊婦健康診査:benefit 不妊治療費助成:benefit 母子健康手帳:permit@all 特定保健指導:care 新生児訪問:care 健康づくり推進計画:plan 感染症対策:plan 自殺対策:plan 食生活改善推進員:subsidy
企画部 秘書広報課 HK | 秘書係 !市長の日程調整=consult#1500 !慶弔事務=review#200 市長交際費:plan 表彰式:event 来客対応:care | 広報係 !広報紙の編集=manage#12 !ホームページの更新=digital#800 市民の声:care 広報紙:plan SNS発信:plan 報道対応:plan 市政懇談会:event 市勢要覧:plan パブリックコメント:plan 市政モニター:survey 記者会見:event シティプロモーション:plan
市民部 市民協働課 SY | 協働推進係 市民活動団体:subsidy 協働事業提案:permit NPO法人:permit ボランティアセンター:plan 市民活動センター:asset 国際交流:event 多文化共生:plan | 人権・男女共同参画係 人権相談:care 人権啓発:event 男女共同参画:plan
教育委員会 教育総務課 KO | 総務係 教育委員会会議:plan 教育大綱:plan 学校施設長寿命化計画:plan 教育委員会表彰:event スクールバス:asset 学校給食センター:asset | 施設係 学校施設:works 学校プール:asset 給食調理業務委託:contract
行政委員会 選挙管理委員会事務局 SE | - 選挙人名簿:plan 選挙公報:plan 検察審査員:plan 裁判員候補者:plan 期日前投票:event 開票:event 選挙啓発:event 投票所:asset 不在者投票:permit 在外選挙人名簿:permit 直接請求:permit
建設部 住宅課 JT | 住宅係 市営住宅:asset 市営住宅入居者募集:permit 市営住宅家賃:collect 市営住宅修繕:works 空き家バンク:permit 住宅耐震化:subsidy 住宅リフォーム補助:subsidy 住生活基本計画:plan 市営住宅長寿命化計画:plan
行政委員会 監査委員事務局 KA | - !例月出納検査=review#12 !定期監査=review#40 !決算審査=review#10@7-8 !財政援助団体等監査=review#10 !住民監査請求への対応=review#10 監査計画:plan 監査委員会議:plan 工事監査:plan 行政監査:plan 健全化判断比率審査:plan 指定金融機関監査:plan 公営企業会計決算審査:plan 基金運用状況審査:plan 外部監査:plan 監査結果公表:plan
産業振興部 農業委員会事務局 NI | - 農地法3条許可:permit 農地転用:permit@all 農地の賃借:permit 非農地判断:permit 農業者年金:permit 農地台帳:system 農業委員会総会:plan 農地中間管理:plan 遊休農地:plan 農地利用状況調査:survey
教育委員会 スポーツ振興課 SP | - 体育館:asset 運動公園:asset 市民プール:asset スポーツ少年団:subsidy 総合型地域スポーツクラブ:subsidy 市民体育大会:event@10 マラソン大会:event@11 スポーツ教室:event スポーツ推進委員:plan スポーツ推進計画:plan
教育委員会 文化財課 BK | - 指定文化財:permit 埋蔵文化財:permit 発掘調査:works 郷土資料館:asset 文化財保護審議会:plan 市史編さん:plan 文化財保存活用地域計画:plan 伝統芸能:subsidy 歴史講座:event 文化財防火デー:event@1
福祉部 保育課 HO | 保育係 !保育所入所申込書の入力=entry#1200@10-12 !保育所入所の利用調整=review#900@1-2 保育所入所:permit@10-12 一時預かり:permit 病児保育:permit 副食費:collect 施設型給付費:benefit | 施設指導係 認定こども園:subsidy 保育士確保:subsidy 私立保育所:subsidy 保育所の指導監査:plan
建設部 維持管理課 IK | 維持係 道路パトロール:works 道路修繕:works 道路清掃:works 除雪:works@1-2,12 街路樹:works 道路反射鏡:works 橋りょう点検:works 公園管理:works 法定外道路:permit 道路損傷通報:care
建設部 建築指導課 KC | - 建築確認:permit 長期優良住宅:permit 低炭素建築物:permit 定期報告:permit 建築計画概要書:cert 違反建築:care 耐震診断:subsidy ブロック塀撤去:subsidy 建築協定:plan
企画部 地域振興課 CS | - 地域づくり:subsidy 定住促進補助金:subsidy 集落支援員:personnel 地域おこし協力隊:personnel 地域公共交通:plan 関係人口:plan 移住相談:care 空き家バンク:permit 結婚支援:event
消防本部 予防課 YB | 予防係 危険物施設:permit 防火対象物:permit 消防用設備:permit 火災予防条例の届出:permit 住宅用火災警報器:event 防火管理者講習:event 救命講習:event 火災原因調査:care | 査察係 立入検査:plan
"""


@dataclass(frozen=True)
class Entry:
    """One task a 課 may report; the same in every seed and year."""

    name: str
    kind: str
    section: str | None
    area: str  # 大分類
    subject: str | None  # 中分類
    volume: float | None  # median cases a year, when the name implies one
    peak: tuple[int, ...] | None
    common: bool  # 全庁共通
    tier: int  # 0 core, 1 channel split, 2 generic step: drawn in this order


@dataclass(frozen=True)
class Department:
    """A 課 and its full task catalogue; task i has code ``{code}-{i + 1:03d}``."""

    division: str
    name: str
    code: str
    entries: tuple[Entry, ...]

    def task_code(self, index: int) -> str:
        """Return the stable code of catalogue entry ``index``."""
        return f"{self.code}-{index + 1:03d}"


_TOKEN = re.compile(
    r"^(?P<lit>!)?(?P<name>[^=:#@]+)[=:](?P<kind>\w+)(?:#(?P<vol>\d+))?(?:@(?P<peak>[\d,\-]+|all))?$"
)


def _months(text: str | None) -> tuple[int, ...] | None:
    if text is None:
        return None
    if text == "all":
        return tuple(range(1, 13))
    months: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        months.update(range(int(first), int(last or first) + 1))
    return tuple(sorted(months))


def _steps(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((label, kind) for label, _, kind in (step.partition("=") for step in text.split()))


TYPES: dict[str, tuple[tuple[str, str], ...]] = {
    line.split(maxsplit=1)[0]: _steps(line.split(maxsplit=1)[1]) for line in _TYPES.strip().splitlines()
}
GENERIC_STEPS = _steps(_GENERIC_STEPS)


def _entries(tokens: list[str], section: str | None, area: str, *, common: bool) -> list[Entry]:
    out: list[Entry] = []
    for token in tokens:
        match = _TOKEN.match(token)
        if match is None:
            raise ValueError(f"bad catalogue token {token!r}")
        name, kind, vol = match["name"], match["kind"], match["vol"]
        peak = _months(match["peak"])
        volume = float(vol) if vol else None
        if match["lit"]:
            out.append(Entry(name, kind, section, area, None, volume, peak, common, 0))
        else:
            out.extend(
                Entry(f"{name}の{label}", step, section, area, name, volume, peak, common, 0)
                for label, step in TYPES[kind]
            )
    return out


def _department(line: str) -> Department:
    head, *groups = (part.split() for part in line.split("|"))
    division, name, code = head
    core: list[Entry] = []
    subjects: list[tuple[str, str | None, str]] = []
    for section_name, *tokens in groups:
        section = None if section_name == "-" else section_name
        area = section_name.removesuffix("係") if section else "業務"
        core += _entries(tokens, section, area, common=False)
        subjects += [(t.split(":")[0], section, area) for t in tokens if not t.startswith("!")]
    first = core[0].section
    core += _entries(_COMMON.split(), first, "庶務", common=True)
    channels = [
        Entry(e.name + suffix, kind, e.section, e.area, e.subject, e.volume, e.peak, e.common, 1)
        for e in core
        if e.kind == "apply" and "（" not in e.name
        for suffix, kind in _CHANNELS
    ]
    generic = [
        Entry(f"{subject}の{label}", kind, section, area, subject, None, None, False, 2)
        for subject, section, area in subjects
        for label, kind in GENERIC_STEPS
    ]
    unique: dict[str, Entry] = {}
    for entry in (*core, *channels, *generic):
        unique.setdefault(entry.name, entry)
    return Department(division, name, code, tuple(unique.values()))


DEPARTMENTS: tuple[Department, ...] = tuple(_department(line) for line in _DEPARTMENTS.strip().splitlines())
