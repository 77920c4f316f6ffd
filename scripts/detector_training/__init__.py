"""The pieces of scripts/train_detector.py: AMI labels, the embedding cache, the heads and their metrics,
and the report-only check on the project's fixtures. Imported by the script, which puts the project root on
sys.path first (these modules import `assistant`)."""
