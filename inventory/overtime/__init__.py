"""Monthly overtime (時間外勤務実績) from HR/payroll: its columns, reading a file, and its intake
against the known 課.
"""
