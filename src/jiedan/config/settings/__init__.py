"""Settings modules: base (shared, from the environment), local, test, production."""
