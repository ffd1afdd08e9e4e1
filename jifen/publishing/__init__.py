"""What leaves the office: publishing and its guard, the sealed archive, verify, encrypted copies."""
