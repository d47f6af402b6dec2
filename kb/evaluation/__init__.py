"""Evaluation of the product and of the peer systems it is compared with (not product code): metrics.py, peers.py."""
