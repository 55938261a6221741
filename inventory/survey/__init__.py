"""The 業務量調査 survey: its columns, the template a 課 fills in, reading, normalising and
validating a returned file, its intake, and the error workbook a rejected file gets
back.
"""
