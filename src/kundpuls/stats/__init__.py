"""Pure statistics (numpy/scipy): indices with intervals, weighting, comparisons, PLS-SEM, Kano, price."""
