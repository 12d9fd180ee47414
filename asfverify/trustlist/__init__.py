"""The scheme owner's trust list: which certifiers are accredited, with their keys and periods (DESIGN §13).

Submodules: periods (validity intervals), model (the typed list and its strict parser), owner (the
owner's folder and commands), check (what `verify --trust-list` decides). Imports stay light.
"""
