"""The units' portal (`yc-reports serve`): units download and upload their workbooks, the office builds.

`store` keeps rows and files, `service` holds every rule, `app` only translates HTTP.
"""
