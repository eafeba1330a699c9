"""Sandbox: imitations of the four department systems and a synthetic population.

Not part of the product: it exists to develop, test, demo and measure Doudi
honestly. It speaks only the contracts (``shared/contracts``) and imports the
adapters' records and normalisation at most.
"""
