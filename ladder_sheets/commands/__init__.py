"""The commands a user runs, each over the layers: read, validate, analyse, write."""
