"""Cloud sync: connections, observations, the planner and the queue (issue 4)."""
