"""Tests for app/problems: surfaces, the formula parser, landscape grids."""
