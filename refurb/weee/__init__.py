"""WEEE (DEEE) disposal: batches to certified operators, the waste register, reuse and recycling rates."""
