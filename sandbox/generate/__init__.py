"""The synthetic population: four registries' rows, planted cases and their truth.

Modules, in the order data flows: ``regions`` (the province tree), ``names`` and
``idnumbers`` (identities), ``world`` (one county's generation context, ``Config`` and
``Rates``), ``families`` (hukou 户籍 households), ``benefits`` (background coverage,
kept clean for every rule), ``cases`` (one builder per rule, and look-alikes), ``noise``
(how each source writes a value), ``writer`` (wire rows) and ``run`` (``generate``, the
CLI's entry). From the project it imports ``sandbox.layout`` only.

Truth is exact by construction: the background never meets a rule (``benefits.settle``
derives every amount, subsidy and insurance record from the facts), and each planted
case breaks one fact of fresh persons and records every finding that fact yields.
``sandbox.oracle`` checks it in the tests.
"""
