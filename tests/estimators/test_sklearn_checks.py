"""scikit-learn's own estimator checks on RNNRegressor and RNNClassifier."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from seqforecast.estimators import RNNClassifier, RNNRegressor

# Small, fast settings; lr and max_epochs are just large enough for the score checks
# (check_regressors_train: R^2 > 0.5, check_classifiers_train: accuracy > 0.83) to pass on their toy data,
# so no estimator needs the poor_score tag.
ESTIMATORS = [
    RNNRegressor(hidden_size=8, max_epochs=12, lr=0.05, random_state=0),
    RNNClassifier(hidden_size=8, max_epochs=12, lr=0.05, random_state=0),
]

# Every check that cannot pass, with its reason (check name -> reason). None is needed: all checks pass.
EXPECTED_FAILED_CHECKS = {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
