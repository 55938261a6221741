"""Files people read: the ranking workbook and the effect report (its data, HTML, PDF, xlsx
and charts).
"""
