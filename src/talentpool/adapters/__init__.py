"""Reference adapters: implementations of :mod:`talentpool.ports`.

* :mod:`talentpool.adapters.memory` keeps everything in dictionaries; tests,
  examples and small hosts use it.
"""
