"""Only the package list lives here; every other setting is in pyproject.toml.

pyproject.toml cannot both discover packages and map static/ and templates/ into the wheel as
app._static and app._templates, so discovery happens here: every app.* package, plus those two.
"""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["app", "app.*"]), "app._static", "app._templates"])
