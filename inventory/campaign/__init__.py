"""Survey campaigns: the 課 a campaign goes to, the templates it sends, and where each 課 stands."""
