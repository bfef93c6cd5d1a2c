"""Use cases. Each public function owns its transaction: it validates, writes and commits."""
