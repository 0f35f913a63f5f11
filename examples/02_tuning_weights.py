# %% [markdown]
# # Tuning the score weights on past outcomes
#
# A public employment service knows which of its past recommendations led to a hire. This
# notebook shows how `matchcore.scoring.fit_weights` turns such outcomes into the weights of
# `MatchConfig`, on synthetic data where the "true" preferences are known:
#
# 1. generate prepared seekers and vacancies and their candidates with the default weights;
# 2. simulate outcomes from hidden weights (caseworkers here care mostly about occupation,
#    salary and region);
# 3. learn weights from the outcomes and compare how well each config ranks the later hires.

# %%
import numpy as np
import polars as pl

import matchcore as mc
from matchcore.synth import fake_prepared

seekers, vacancies = fake_prepared(3_000, 1_500, seed=0, n_cities=4)
index = mc.scoring.VacancyIndex(mc.MatchConfig(candidates=30), progress=False).fit(vacancies)
cand = index.candidates(seekers)
pairs = cand.to_frame(reasons=False)
print(pairs.height, "candidate pairs")
pairs.head(3)

# %% [markdown]
# ## Simulated outcomes
# Hidden preferences: a hire is likely when occupation, salary and region fit; the other
# components matter little, and priority flags slightly *reduce* the chance here (fit_weights
# must not turn that into a negative weight).

# %%
hidden = {"occupation": 6.0, "salary": 3.0, "region": 2.0, "education": 1.0, "title": 0.5,
          "priority": -0.5}
rng = np.random.default_rng(42)
logit = sum(w * pairs[name].to_numpy() for name, w in hidden.items()) - 10.5
hired = rng.random(pairs.height) < 1 / (1 + np.exp(-logit))
print(f"{hired.mean():.1%} of recommended pairs led to a hire")

# split by seeker: learn on half of the seekers, evaluate on the other half
seeker_ids = pairs["seeker_id"].unique().sort()
train_ids = set(seeker_ids.sample(fraction=0.5, seed=0).to_list())
train = pairs["seeker_id"].is_in(list(train_ids)).to_numpy()

# %%
learnt = mc.scoring.fit_weights(pairs.filter(pl.Series(train)), hired[train])
pl.DataFrame({"component": list(learnt.weights), "default": list(mc.MatchConfig().weights.values()),
              "learnt": [round(w, 3) for w in learnt.weights.values()]})


# %% [markdown]
# ## Does the learnt config rank hires higher?
# For the held-out seekers, re-score their candidate pairs with each config and measure the share
# of hires that land in the top 5 of their seeker.

# %%
def hit_rate(cfg: mc.MatchConfig, top: int = 5) -> float:
    w = cfg.normalized_weights()
    test = pairs.filter(pl.Series(~train)).with_columns(hired=pl.Series(hired[~train]))
    score = sum(pl.col(n) * w[n] for n in w)
    ranked = test.with_columns(s=score).with_columns(
        r=pl.col("s").rank("ordinal", descending=True).over("seeker_id")
    )
    hires = ranked.filter(pl.col("hired"))
    return float((hires["r"] <= top).mean())


print(f"hires in the top 5, default weights: {hit_rate(mc.MatchConfig()):.1%}")
print(f"hires in the top 5, learnt weights:  {hit_rate(learnt):.1%}")

# %% [markdown]
# The learnt config round-trips through JSON, so a service can store it next to its data:

# %%
text = learnt.to_json()
assert mc.MatchConfig.from_json(text) == learnt
print(text[:120], "...")
