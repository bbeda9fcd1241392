"""Can the judge be trusted to work alone? The alternative-annotator test and selective judging."""
