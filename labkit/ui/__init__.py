"""Widgets and displays: the policy editor, the results view and the lab diagram.

Built from ipywidgets 8 core controls and pandas Styler only (no custom JavaScript, nothing from
a CDN). Each piece keeps its logic in plain methods so tests can drive it headless.
"""
