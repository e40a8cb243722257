"""Tests of the reasoning, history, thinking, beta, JSON, usage and account helpers."""
