"""Assistants for clients and freelancers, made of rules and retrieval (no outside AI service):

- ``pricing``: what similar completed projects were paid, as quartiles, with how many;
- ``brief``: a structured brief from a need in free text (with a provider seam for a model);
- ``risks``: warnings about terms that often end in disputes.

``deals`` defines the evidence (completed fixed-price contracts from projects) and
``services`` gives it vectors; ``selectors`` is what pages and the API read.
"""
