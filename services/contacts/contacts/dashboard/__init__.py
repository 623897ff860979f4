"""The staff home: network size over time, the join funnel and mail figures."""
