"""The public site (DESIGN §11): register statements, tlog tiles, status lists and the writers of `publish`.

Importing this package stays light; `publish_site` lives in .site, the read-only view handed to page
writers in .view, the atomic file writer in .files.
"""
