"""The example plugins, shipped with asfverify so a fresh workspace can certify.

Each module here is a symbolic link to the file in the repository's top-level plugins/ folder, which
stays the real, self-contained example that plugin authors copy. Building the sdist or wheel copies
the files' content, so an installed asfverify carries them. The host registers them after installed
and local plugins, and only when no plugin of the same name or with the same verifier name is loaded:
a certifier's own copy in plugins/ (or an installed distribution) replaces the bundled one.
"""

BUNDLED = ("annual_report", "work_environment", "work_training")
