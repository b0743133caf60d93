"""Results tables from the ``ket_qua`` front-matter block: validated figures, units, targets.

The pure model lives in :mod:`bantin_ketqua.model`; the Pelican wiring comes later.
"""
