"""Configuration that ``hipball app`` (and the tests) give Voila through
``--Voila.config_file_paths``: Voila reads ``voila.py`` from this folder."""
