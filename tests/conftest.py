"""What every test file shares: the Hypothesis profile.

The property tests build expression graphs and networks and train them, so the time one example
takes depends on the machine and its load: none of them has a deadline. Each test states its own
number of examples (and anything else it needs) in its ``@settings``, on top of this profile.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("mgfunc", deadline=None)
settings.load_profile("mgfunc")
