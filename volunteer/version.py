"""The release this code is: bumped with CHANGELOG.md's heading when a release is cut."""
VERSION = "1.0.0"
