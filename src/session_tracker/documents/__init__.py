"""Documents derived from events. Every renderer is a pure function: same events, same bytes."""
