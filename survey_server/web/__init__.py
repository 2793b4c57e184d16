"""HTTP layer: controllers that parse requests, call one service and shape the answer."""
