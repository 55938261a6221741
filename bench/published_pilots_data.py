"""Published municipal RPA / AI-OCR pilots: task attributes as published, hours before and after.

Assembled by hand from the public pages named in `source` (stored copies read in 2025).
Each row is one automation. What the publication states is kept as stated: the task
name, what the work consists of, the tool, the hours (or minutes) before and after.
An attribute the publication does not state or plainly imply is left blank (None =
unknown, scored neutral, as a blank survey cell is); `assumed` names what was filled in
without being published: mostly annual cases where only hours are published (they
matter only through minutes per case, for the visual-check floor).

`split` fixes which rows may inform a default (tune) and which are only reported
(holdout): the holdout rows come from other municipalities than the tune rows.
"""

from __future__ import annotations

from typing import Any

Y = "https://www.city.imizu.toyama.jp/guide/svGuideDtl.aspx?servno=43173"  # 射水市 RPA利活用事業 (2024-04)
KUJI = "https://japan.zdnet.com/article/35153196/"  # 久慈市・NTT東日本 岩手支店 効果測定 (2019-11〜)
YOKO = "https://news.careerconnection.jp/?p=68988"  # 横浜市 RPA 共同実験 報告書 (2019-03) の報道
KANA = "DOMAIN.md: 神奈川県 AI-OCR（100 枚 93 → 70 分、1,000 枚 約 15 → 9 時間）"
OYAMA = "https://www.shimotsuke.co.jp/articles/-/140466"  # 小山市 RPA 適用検証結果 (下野新聞)
MEGURO = "https://it.impress.co.jp/articles/-/18456"  # 目黒区・NTT東日本 AI-OCR/RPA 実証 (2019-08)
OKAYAMA = "http://oka.genin.jp/rpa.html"  # 岡山市議会 令和6年3月 予算特別委員会 答弁
KITAKAMI = "https://www.city.kitakami.iwate.jp/life/shisei/sogoseisaku/ict/rpa/15432.html"  # 北上市
KANA_LIST = (
    "https://pdfslide.tips/documents/crpaceoe-rpaoe.html"  # 神奈川県政策研究センター 個別業務一覧 (2019-10)
)

# Columns: town, name (as published), tool, before h, after h, split, source, then attributes.
PILOTS: tuple[dict[str, Any], ...] = (
    # --- tune: 射水市, 久慈市, 横浜市, 神奈川県 -------------------------------------------------
    {"town": "射水市", "name": "軽自動車税車両異動入力事務", "tool": "rpa", "before": 1095, "after": 176, "split": "tune",
         "source": Y, "routine": "定型", "judgement": "なし", "input_medium": "電子", "cases": 8000,
         "note": "軽自動車異動情報（新規、変更、廃車）をシステムに入力する", "assumed": "件数"},
    {"town": "射水市", "name": "税収納データ日次消込事務ほか日次・月次作業", "tool": "rpa", "before": 484, "after": 47,
         "split": "tune", "source": Y, "routine": "定型", "judgement": "なし", "input_medium": "電子", "cases": 300,
         "note": "日次作業・月次作業を自動化する（収納消込、国保高齢証発行、国保月末集計）", "assumed": "件数"},
    {"town": "射水市", "name": "予防接種結果入力事務", "tool": "rpa", "before": 846, "after": 460, "split": "tune",
         "source": Y, "routine": "定型", "judgement": "なし", "input_medium": None, "cases": 20000,
         "note": "予防接種結果をシステムに入力する", "assumed": "件数"},
    {"town": "射水市", "name": "精神障害者保健福祉手帳・自立支援医療判定結果入力事務", "tool": "rpa", "before": 223,
         "after": 112, "split": "tune", "source": Y, "routine": None, "judgement": None, "input_medium": "電子",
         "cases": 1000, "note": "進達書作成及び判定結果をシステムに入力する", "assumed": "件数"},
    {"town": "射水市", "name": "保育認定・契約情報変更入力事務", "tool": "rpa", "before": 183, "after": 72, "split": "tune",
         "source": Y, "routine": "定型", "judgement": "なし", "input_medium": None, "cases": 1500,
         "note": "保育認定契約情報の変更内容をシステムに入力する", "assumed": "件数"},
    {"town": "射水市", "name": "施設稼働状況入力事務", "tool": "rpa", "before": 1317, "after": 898, "split": "tune",
         "source": Y, "routine": None, "judgement": None, "input_medium": "電子", "cases": 1200,
         "note": "施設から提出のあった稼働状況を加工し、集計する", "assumed": "件数"},
    {"town": "久慈市", "name": "ふるさと納税ワンストップ特例申請書の転記", "tool": "ai-ocr+rpa", "before": 19.8,
         "after": 4.2, "split": "tune", "source": KUJI, "routine": "定型", "judgement": "なし", "input_medium": "紙（手書き）",
         "verification": "一部", "cases": 20000, "annual_hours": 244,
         "note": "年間約2万件。AI-OCR で読取り RPA が転記、最後に人がチェック。年間 190 時間削減",
         "assumed": "年間時間（190 ÷ 78%）"},
    {"town": "久慈市", "name": "市県民税収納（納税済み通知書の転記）", "tool": "ai-ocr+rpa", "before": 1.6, "after": 16.2,
         "split": "tune", "source": KUJI, "routine": "定型", "judgement": "なし", "input_medium": "紙（活字）",
         "verification": "必須", "cases": 2400, "annual_hours": 20,
         "note": "入力ミスが許されず目視チェックを徹底: 1.6 → 16.2 時間", "assumed": "件数・年間時間"},
    {"town": "久慈市", "name": "アンケート集計", "tool": "ai-ocr", "before": 73, "after": 12.2, "split": "tune", "source": KUJI,
         "routine": "定型", "judgement": "なし", "input_medium": "紙（手書き）", "verification": "不要", "cases": 2000,
         "note": "AI-OCR のみ。転記ミスが集計結果に及ぼす影響が低い", "assumed": "件数"},
    {"town": "横浜市", "name": "ID・メールアドレスの申請受付・発行", "tool": "rpa", "before": 26, "after": 1.73,
         "split": "tune", "source": YOKO, "routine": "定型", "judgement": "一部あり", "input_medium": "電子", "cases": 300,
         "note": "申請を受け付け、審査し、ID/メールアドレスを発行する。26 時間 → 1 時間 44 分",
         "assumed": "件数"},
    {"town": "横浜市", "name": "地域活動・サービスの画像ファイル取得", "tool": "rpa", "before": 400, "after": 3.6,
         "split": "tune", "source": YOKO, "routine": "定型", "judgement": "なし", "input_medium": "電子", "cases": 24000,
         "systems": 2, "note": "Excel の一覧を基に外部システム上の画像をローカルに保存。400 → 3 時間 36 分",
         "assumed": "件数"},
    {"town": "神奈川県", "name": "申請書の読取（100 枚）", "tool": "ai-ocr", "before": 93 / 60, "after": 70 / 60,
         "split": "tune", "source": KANA, "routine": "定型", "judgement": "なし", "input_medium": "紙（手書き）",
         "verification": "一部", "cases": 100, "note": "100 枚 93 → 70 分", "assumed": "入力媒体"},
    {"town": "神奈川県", "name": "申請書の読取（1,000 枚）", "tool": "ai-ocr", "before": 15, "after": 9, "split": "tune",
         "source": KANA, "routine": "定型", "judgement": "なし", "input_medium": "紙（手書き）", "verification": "一部",
         "cases": 1000, "note": "1,000 枚 約 15 → 9 時間", "assumed": "入力媒体"},
    # --- holdout: 小山市, 目黒区, 岡山市, 北上市, 神奈川県内の回答 ------------------------------
    {"town": "小山市", "name": "共用車の予約取消", "tool": "rpa", "before": 100, "after": 4.6, "split": "holdout",
         "source": OYAMA, "routine": "定型", "judgement": "なし", "input_medium": "電子", "cases": 2000,
         "note": "作業時間を 95.4% 削減と試算", "assumed": "年間時間・件数（削減率のみ公表）"},
    {"town": "小山市", "name": "法人市民税の電子申告審査", "tool": "rpa", "before": 200, "after": 100, "split": "holdout",
         "source": OYAMA, "routine": None, "judgement": "一部あり", "input_medium": "電子", "cases": 4000,
         "note": "複雑な処理が必要な業務で削減率 5 割程度", "assumed": "年間時間・件数（削減率のみ公表）"},
    {"town": "目黒区", "name": "保育施設運営費支出", "tool": "ai-ocr+rpa", "before": 150, "after": 15, "split": "holdout",
         "source": MEGURO, "routine": "定型", "judgement": "なし", "input_medium": "紙（活字）", "verification": "不要",
         "cases": 600, "note": "児童名簿を AI-OCR でデータ化、電子稟議への入力を RPA。9 割超削減、個別チェック不要",
         "assumed": "年間時間・件数（削減率のみ公表）"},
    {"town": "目黒区", "name": "研修評価シート集計", "tool": "ai-ocr+rpa", "before": 100, "after": 70, "split": "holdout",
         "source": MEGURO, "routine": None, "judgement": None, "input_medium": "紙（手書き）", "verification": None,
         "cases": 3000, "note": "手書き評価シート。転記後に自由記述を整理・修正する時間を含め 3 割超削減",
         "assumed": "年間時間・件数（削減率のみ公表）"},
    {"town": "岡山市", "name": "更生医療の受給資格確認", "tool": "rpa", "before": 3800 * 6.5 / 60, "after": 3800 * 3 / 60,
         "split": "holdout", "source": OKAYAMA, "routine": "定型", "judgement": None, "input_medium": "電子", "cases": 3800,
         "note": "レセプトデータから受給者情報を照合・チェックし入力。1 件 6〜7 分 → 約 3 分、年 3,800 件",
         "assumed": ""},
    {"town": "北上市", "name": "法人市民税申告書の入力", "tool": "ai-ocr+rpa", "before": 360, "after": 78, "split": "holdout",
         "source": KITAKAMI, "routine": "定型", "judgement": "なし", "input_medium": "紙（活字）", "verification": None,
         "cases": 3000, "note": "申請書様式の変更など事務改善を条件に", "assumed": "件数・ツール（AI-OCR 併用）"},
    {"town": "北上市", "name": "インフルエンザ予防接種履歴の入力", "tool": "ai-ocr+rpa", "before": 350, "after": 211,
         "split": "holdout", "source": KITAKAMI, "routine": "定型", "judgement": "なし", "input_medium": "紙（手書き）",
         "verification": None, "cases": 10000, "note": "医療機関の予診票（手書き）", "assumed": "件数・入力媒体・ツール"},
    {"town": "神奈川県内", "name": "自己啓発支援金等のデータ登録", "tool": "rpa", "before": 0.16, "after": 0.12,
         "split": "holdout", "source": KANA_LIST, "routine": "定型", "judgement": "なし", "input_medium": None, "cases": 10,
         "note": "水道。0.16 → 0.12 時間（25.0%）", "assumed": "件数"},
)  # fmt: skip
