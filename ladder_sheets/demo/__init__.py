"""The invented sample company (Acme Corp), its exports, and the worked example framework."""
