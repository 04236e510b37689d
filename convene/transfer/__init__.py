"""Getting data in and out: CSV/JSON import (all-or-nothing) and export."""
