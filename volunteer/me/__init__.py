"""A person's own pages: My page, my data, corrections, deletion, and the privacy rules behind them."""
