"""The work a fit may do: epochs, and networks, within a timestep budget."""


def epoch_cost(shape, batch_size, step_cost=0):
    """The timesteps an epoch on ``shape[0]`` rows of ``shape[1]`` counts for.

    The rows times their padded length, plus ``step_cost`` for each of the
    epoch's ``ceil(shape[0] / batch_size)`` steps: the fixed cost of a step
    in timesteps.
    """
    steps = -(-shape[0] // batch_size)
    return shape[0] * shape[1] + steps * step_cost


def budget_epochs(epochs, timestep_budget, shape, batch_size, step_cost=0):
    """The epochs a fit runs: ``epochs``, or fewer to stay within the budget.

    ``timestep_budget`` bounds the timesteps training reads, summed over its
    epochs (see :func:`epoch_cost`). At least one epoch runs. A count of
    work, not of seconds, so that a seeded fit trains the same network on
    any machine.
    """
    per_epoch = epoch_cost(shape, batch_size, step_cost)
    return max(1, min(epochs, timestep_budget // per_epoch))


def networks_within(n_networks, epochs, timestep_budget, shape, batch_size, step_cost):
    """How many networks a fit trains: ``n_networks``, or fewer within the budget.

    Without ``timestep_budget``, ``n_networks``. With it, as many networks
    (at least one, at most ``n_networks``) as the budget affords with all of
    their ``epochs`` each: a data set whose single network the budget ends
    early gets one network and all of the budget, and one whose network
    needs a third of it gets up to three.
    """
    if timestep_budget is None:
        return n_networks
    per_network = epochs * epoch_cost(shape, batch_size, step_cost)
    return max(1, min(n_networks, timestep_budget // per_network))
