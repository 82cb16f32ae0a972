"""Docstring sections shared by the estimators, so that they are written once."""

#: numpydoc entries of the parameters every estimator takes.
SHARED_PARAMETERS = """\
    filters : int or tuple of int, default=64
        Number of filters of each conv block; a tuple stacks one block per
        entry, e.g. ``(128, 256, 128)``.
    kernel_size : int or tuple of int, default=3
        Kernel size of every conv block, or one per entry of ``filters``.
    dilation_rate : int or tuple of int, default=1
        Dilation of every conv layer, or one per entry of ``filters``: a
        kernel of size ``k`` dilated by ``d`` spans ``(k - 1) * d + 1``
        timesteps (as in LITE and WaveNet-style networks).
    padding : {"same", "valid", "causal"}, default="same"
        Padding of the conv and pooling layers, as in Keras's ``Conv1D``.
        ``"same"`` keeps the sequence length through each conv layer, so
        any length fits the conv layers; with ``"valid"`` every
        kernel and pool must fit in what is left of the sequence, which is
        checked before the network is built.
    separable : bool, default=False
        Depthwise separable convolutions (Keras's ``SeparableConv1D``): a
        per-channel convolution then a 1x1 one, with far fewer weights, as
        in LITE. Not with ``padding="causal"``.
    inception : bool, default=False
        Make each conv layer an InceptionTime module (Ismail Fawaz et al.,
        2020): a 1x1 bottleneck convolution of ``filters`` channels (where
        the input has more than one), three parallel convolutions of it
        with kernels ``kernel_size``, half and a quarter of it (40, 20, 10
        for 40; at least 1), and a max pooling (3 timesteps, centred) of the
        input followed by a 1x1 convolution, concatenated into
        ``4 * filters`` channels. Needs ``padding="same"``.
    residual : int or None, default=None
        Group every ``residual`` consecutive conv layers into a residual block
        whose input is added to its output (through a 1x1 convolution where
        the channel counts differ) before its last activation, as in ResNet
        (Wang et al., 2017: ``residual=3``). The number of conv layers must be
        a multiple of it, and ``padding`` "same" or "causal". Pooling then
        follows each block. None: no shortcuts.
    pool_size : int or None, default=2
        Size of the max pooling after each conv block; None for no pooling.
    batch_norm : bool, default=False
        Put batch normalisation between each convolution and its activation.
    batch_norm_momentum : float in [0, 1], default=0.9
        Momentum of the moving mean and variance that the batch normalisation
        layers keep during training, where only the validation loss of
        ``early_stopping`` reads them. After training, every layer's
        statistics are computed again over the training data for the final
        weights, so without ``early_stopping`` the fitted network predicts
        the same whatever the momentum (measured with an FCN-style network
        on GunPoint: 0.987 at 0.99, 0.9 and 0.8;
        ``benchmarks/choose_batch_norm_momentum.py``).
        Ignored unless ``batch_norm=True``.
    global_pooling : {"avg", "max"} or None, default=None
        Head of the conv blocks: global average or max pooling over time, or
        None to flatten.
    dense_units : int, tuple of int or None, default=100
        Units of the hidden dense layers between the head and the output
        layer; ``()`` or None for none.
    dropout : float in [0, 1), default=0.0
        Dropout rate before each dense layer, the output layer included.
    time_shift : float in [0, 1), default=0.05
        Training-time augmentation: in every training batch, each sequence
        is shifted in time by a random number of timesteps, up to
        ``time_shift`` of its length either way, its first or last value
        repeated into the timesteps it leaves. Like dropout, it acts only in
        training: ``predict`` reads sequences as given. It teaches a
        flattening head that a pattern means the same a few timesteps
        earlier or later. 0 shifts nothing (and adds no layer).
    activation : str or callable, default="relu"
        Activation of the conv and hidden dense layers: one of the Keras
        activation names ``"relu"``, ``"elu"``, ``"selu"``, ``"gelu"``,
        ``"tanh"``, ``"sigmoid"``, ``"swish"``, ``"silu"``,
        ``"leaky_relu"``, ``"relu6"``, ``"softplus"``, ``"softsign"``,
        ``"mish"`` and ``"linear"``, or a callable mapping a tensor to a
        tensor.
    optimizer : str, default="adam"
        Name of a Keras optimizer: ``"adam"``, ``"adamw"``, ``"nadam"``,
        ``"adamax"``, ``"rmsprop"``, ``"sgd"``, ``"adagrad"``,
        ``"adadelta"``, ``"lion"`` or ``"ftrl"``, each with its Keras
        defaults but ``learning_rate``.
    learning_rate : float, default=0.002
        Learning rate of the optimizer.
    epochs : int, default=200
        Number of passes over the training data (at most, with
        ``timestep_budget`` or early stopping).
    timestep_budget : int or None, default=None
        A bound on the work of ``fit``, in timesteps read: ``fit`` runs at
        most ``timestep_budget // (n_samples * n_timesteps)`` epochs (at
        least one), ``n_samples`` being the rows trained on and
        ``n_timesteps`` their padded length. Fit time then grows with the
        budget, not with the data set, as it would for a time limit, yet a
        seeded fit trains the same network on any machine. The long recipes
        of ``ARCHITECTURES`` set it to about 50 s of training on 2 CPU
        cores. ``partial_fit`` ignores it. None: ``epochs`` alone.
    budget_step_cost : int, default=0
        Timesteps that each training step counts for in
        ``timestep_budget``, beyond those of its batch: the fixed cost of a
        step (running its operations, updating the weights), so that the
        budget tracks fit time on short series as on long ones. An epoch
        then counts ``n_samples * n_timesteps + n_steps * budget_step_cost``,
        ``n_steps`` being ``ceil(n_samples / batch_size)``. On 2 CPU cores
        with TensorFlow, a step of ``"inception_small"`` at batch 16 costs
        about as much as 2,000 to 2,500 timesteps
        (``benchmarks/step_cost.py``); its recipe sets 2,000. No effect
        without ``timestep_budget``.
    batch_size : int, default=32
        Number of sequences per gradient step (and per predict batch).
    steps_per_execution : int, default=1
        Gradient steps per call into Keras's compiled training function
        (Keras's ``compile(steps_per_execution=...)``), where Keras's
        ``Model.fit`` trains: only when a callback acts on batches (see
        ``callbacks``). Otherwise every epoch already runs as one compiled
        call, and this has no effect. JAX and TensorFlow only.
    early_stopping : bool, default=False
        Stop training when the validation loss has not improved by ``tol``
        for ``n_iter_no_change`` epochs, and restore the weights of the best
        epoch (or end on the average of the epochs' weights, see
        ``weight_averaging``). The validation set is ``X_val``/``y_val``
        passed to ``fit``, or else a shuffled (for classifiers, stratified)
        ``validation_fraction`` of the training data drawn with
        ``random_state`` (not Keras's ``validation_split``, which takes the
        last rows unshuffled).
    validation_fraction : float in (0, 1), default=0.1
        Fraction of the training data held out for early stopping.
    n_iter_no_change : int or None, default=30
        Epochs without improvement of the monitored loss before training
        stops, and the weights of the best epoch are restored (unless
        ``weight_averaging`` replaces them). The monitored
        loss is the validation loss with ``early_stopping=True``, and else the
        training loss (scikit-learn's ``MLPClassifier`` convention), so a fit
        ends once the loss has stalled rather than running all ``epochs``.
        None trains every epoch (and needs ``early_stopping=False``).
        ``partial_fit`` never stops.
    tol : float, default=1e-4
        Minimum decrease of the monitored loss that counts as improvement.
    reduce_lr_patience : int or None, default=None
        Halve the learning rate after this many epochs without a decrease of
        the training loss, down to a tenth of ``learning_rate`` (Keras's
        ``ReduceLROnPlateau``; the recipe of Wang et al., 2017, with 50).
        None keeps the learning rate constant. Without early stopping on
        the validation loss, set ``n_iter_no_change`` above it, or training
        stops on the stalled loss before the learning rate is lowered.
    weight_averaging : float in [0, 1) or None, default=0.9
        End ``fit`` on an exponential moving average of the weights of its
        epochs (Polyak averaging, as in SWA, Izmailov et al., 2018), with this
        momentum: after each epoch the average becomes ``m * average + (1 - m) *
        weights``, with ``m = min(weight_averaging, (1 + k) / (10 + k))`` after
        the ``k``-th epoch (from 0). The warm-up reaches 0.9 only after 80
        epochs (0.95 after 170): until then the average trails the last epoch by
        about a tenth of the fit whatever the value, so the value matters only
        in longer fits. The average replaces the weights early stopping would
        restore (``best_epoch_`` still names that epoch), and the batch
        normalisation statistics are computed for it. Training itself is
        unchanged; the cost is a copy of the weights per epoch. Chosen on the
        development suite, where it lifts the defaults by 0.7 points at each of
        three seeds. A fit cut short while its loss still falls fast ends behind
        its last epoch (the average trails it by a few epochs): pass None for
        fits of a few tens of epochs. A ``warm_start`` fit continues from the
        average. ``partial_fit`` ignores it. None ends on the best epoch's
        weights, or the last's.
    n_networks : int, default=1
        Train this many networks of the same architecture, each from its own
        initial weights and batch order, and predict the average of their
        outputs (an ensemble, as InceptionTime is of five networks). Network
        ``i`` trains exactly as a fit seeded with its own seed drawn from
        ``random_state`` would, the first with ``random_state`` itself, one
        after the other, so a fit takes about ``n_networks`` times as long.
        With ``timestep_budget``, the budget is shared: as many networks are
        trained (at least one, at most ``n_networks``) as it affords with all
        of their ``epochs`` each, so a data set whose single network the
        budget cuts short gets one network, as with ``n_networks=1``, and
        ``n_networks_`` says how many. ``model_`` is then one Keras model
        that averages its networks, saved, pickled and exported to ONNX as
        any network; ``transform`` returns the embeddings of all its
        networks side by side, and :func:`class_activation_map` their mean.
        ``partial_fit`` and ``warm_start`` train one network only.
        ``ARCHITECTURES["inception_small"]`` sets 3, which gained 0.24
        points over the development suite (0.77 points below MiniRocket
        over five seeds, from 1.01).
    data_format : {"channels_last", "channels_first"}, default="channels_last"
        Layout of a 3D ``X``: ``(n_samples, n_timesteps, n_channels)``
        (Keras) or ``(n_samples, n_channels, n_timesteps)`` (aeon, sktime).
        A 2D ``X`` is always ``(n_samples, n_timesteps)``.
    sequence_length : int or None, default=None
        Number of timesteps the network is built for. None: the longest
        sequence in fit. Shorter sequences, in fit and predict, are padded
        with zeros at the end to this length; longer ones are never cut. With
        ``global_pooling`` the network takes any length, so a longer sequence
        at predict time is read whole, at its own length. With a flattening
        head (``global_pooling=None``) set it to the longest sequence you
        will predict on, e.g. ``max(map(len, X))`` over the whole data set
        for cross-validation. See "Unequal lengths" in the user guide.
    normalize : {"dataset", "timestep", "series"} or None, default="dataset"
        How ``X`` is scaled before the network, in fit and predict alike.
        ``"dataset"`` standardises each channel with the mean and standard
        deviation of all the timesteps of the training sequences
        (``input_mean_``, ``input_scale_``), padding left out: a
        ``StandardScaler`` per channel. It keeps a network trainable whatever
        the units (a series in tiny or huge units leaves it at chance or with
        dead units) and keeps what each series' level and scale tell.
        ``"timestep"`` standardises each timestep of each channel apart, as
        scikit-learn's ``StandardScaler`` does each column of a 2D ``X``: it
        also removes the mean sequence, so that the network reads how each
        sequence differs from it (Adiac, ACSF1: see "Accuracy" in the
        benchmarks). Its statistics hold for the fit's timesteps only: a
        global-pooling network then predicts sequences of at most the fit
        length. Both are weighted by ``sample_weight`` (not by
        ``class_weight``), over all the rows passed to ``fit``, the
        early-stopping validation rows included, as a ``StandardScaler``
        ahead of the estimator in a Pipeline would be.
        ``"series"`` z-normalises every sequence over its own timesteps, per
        channel, before any padding: it removes each series' level and
        scale, and loses what they tell, as in JapaneseVowels (see
        "Accuracy" in the benchmarks). None leaves ``X`` as given. Padding
        stays zero: the mean level, either way.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation and shuffling. An int gives
        bitwise-identical fits on CPU; None gives a fresh fit each time. The
        global Python, NumPy and TensorFlow random states are left as found.
    verbose : int, default=0
        0 prints nothing, 1 shows Keras's progress bar, 2 one line per epoch.
    callbacks : list of keras.callbacks.Callback or None, default=None
        Keras callbacks used during fit, e.g.
        ``[keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=5)]``
        to lower the learning rate when the loss stalls. Each fit uses
        copies, so the objects passed are never modified. Their epoch hooks
        run between compiled epochs; a callback that acts on batches (it
        overrides ``on_train_batch_end``, say, or is ``TerminateOnNaN``)
        makes Keras's ``Model.fit`` train instead, on the same batches but
        several times slower on small data (see "Training").
    warm_start : bool, default=False
        When True, ``fit`` continues training the current network (weights and
        optimizer state) for ``epochs`` more epochs instead of building a new
        one.
"""

#: numpydoc entries of the attributes every fitted estimator has.
SHARED_ATTRIBUTES = """\
    n_features_in_ : int
        Size of the second axis of ``X`` seen in fit (the number of
        timesteps for a 2D ``X``).
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Column names of ``X`` when it is a DataFrame with string columns.
    input_shape_ : tuple of int
        ``(n_timesteps, n_channels)`` of the sequences seen in fit.
    input_mean_ : ndarray of shape (n_channels,) or (n_timesteps, n_channels)
        Mean of each channel over the training timesteps
        (``normalize="dataset"``), or of each timestep of each channel over
        the training sequences (``normalize="timestep"``); only with these.
    input_scale_ : ndarray of shape (n_channels,) or (n_timesteps, n_channels)
        The matching standard deviations (1 where the values are constant);
        only with ``normalize="dataset"`` or ``"timestep"``.
    model_ : keras.Model
        The fitted Keras network (with ``n_networks_`` above 1, the model
        that averages the outputs of its networks).
    n_networks_ : int
        Number of networks the last ``fit`` trained: ``n_networks``, or
        fewer within ``timestep_budget``.
    history_ : dict of str to list of float
        Loss and metrics of each epoch, as recorded by Keras, with ``val_``
        keys when a validation set was used. With several networks, the
        epochs of each network one after the other.
    n_iter_ : int
        Number of epochs run by the last call to ``fit`` or ``partial_fit``
        (summed over the networks of an ensemble).
    best_epoch_ : int or None
        The epoch (counted from 1) of the last fit whose weights were
        restored: the one of the lowest validation loss with
        ``early_stopping=True``, else of the lowest training loss. None when
        ``n_iter_no_change=None`` and ``early_stopping=False``. With
        ``weight_averaging`` the fit ends on the average of the epochs'
        weights instead, and this is the epoch it replaced. None after a fit
        of several networks.
"""
