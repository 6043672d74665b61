"""Property tests: hypothesis draws pairs of schemas, every driver must migrate one into the other."""
