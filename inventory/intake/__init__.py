"""Files in and out of the database, end to end: a survey or overtime file read, checked
and stored whole or rejected whole; the inbox folder that feeds them; a campaign's pre-
filled templates.
"""
