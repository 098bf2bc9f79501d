"""What is being minimised: test surfaces, user formulas, and their landscape grids."""
