"""The synthetic town: surveys, overtime, pilots and overtime panels with known ground
truth, for the demo, the tests and the benches. No product code path imports it.
"""
