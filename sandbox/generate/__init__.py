"""The synthetic population: four registries' rows, planted cases and their truth.

Modules, in the order data flows: ``regions`` (the province tree), ``names`` and
``idnumbers`` (identities), ``world`` (one county's generation context), ``families``
(hukou 户籍 households), ``benefits`` (background coverage, kept clean), ``cases``
(one builder per rule, and look-alikes), ``noise`` (how each source writes a value),
``writer`` (wire rows) and ``run`` (the CLI entry). Imports ``adapters.records`` at most
from the project.
"""
