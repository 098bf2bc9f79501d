"""Lereng: a gradient descent and backpropagation visualizer."""

__version__ = "0.1.0"
