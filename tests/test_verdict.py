"""Whether the outline answers a question: the verdict's measurements, its calibrated confidence, and how the
CLI and the JSON carry it."""
import json

import pytest

from kb import KnowledgeBase, query as querying, verdict
from kb.cli import main
from kb.config import Config
from kb.records import Answer, Citation

CITE = Citation("纲要", 6, "全面提升城市功能品质", 5, "推进智慧城市建设", None, 39)


def _answer(text: str) -> Answer:
    return Answer(text, (), CITE, "p", 0)


@pytest.mark.parametrize("question,answer,gap", [
    ("全区要建几个5G基站", "积极推进全域“5G+智慧城管”建设。", 1.0),          # the 5 of 5G is the question's own
    ("到十四五末要改造多少个老旧小区", "符合改造条件的194个老旧小区全部改造到位。", 0.0),
    ("铁西区域整体开发总投资是多少亿元？", "高标准做好铁西区域规划设计。", 1.0),
    ("粮食播种面积保持在多少亩", "全区粮食播种面积保持在5万亩以上。", 0.0),       # 5万亩: the unit asked
    ("人才公寓一共要建多少套", "实施人才公寓建设项目3个。", 1.0),               # a figure, not in 套
    ("公民道德建设包括哪几个方面", "加强社会公德、职业道德建设。", 0.0),         # 哪几个: a list, not a count
    # the figure must stand in a clause with a word of the question: 名师 are not 招聘的教师
    ("十四五期间计划新招聘多少名教师", "到“十四五”末，培养省市级名师10人。", 1.0),
    ("十三五期间咱区改扩建了几所学校", "义务教育优质均衡，改扩建学校 4 所。", 0.0),
    ("十三五末三次产业结构比例是多少", "一二三产业比重调整为1:33:66。", 0.0),    # a ratio: 1:33:66 is one figure
    ("规划面积有多少", "总规划面积约30平方公里。", 0.0),                        # 面积 asks for an area
    ("规划面积有多少", "规划建设3个园区。", 1.0),
    ("研发经费投入强度要达到百分之几", "研发经费投入强度达到2.5%。", 0.0),
    # a named thing: which company, which office, what time
    ("这个项目由哪家公司负责建设", "加快谋划建设平原镇生活污水治理项目。", 1.0),
    ("航空航天产业要借助哪家企业的优势", "结合新航集团机载产品研制等方面的优势。", 0.0),
    ("由哪个部门牵头负责", "实施东方文化商业步行街3A级景区项目。", 1.0),
    ("城市书房每天几点开门", "推进城市书房建设并投入运营。", 1.0),
])
def test_asked_gap(question, answer, gap):
    assert verdict.features(querying.parse(question), [], _answer(answer))["asked_gap"] == gap


def test_a_figure_of_the_period_reviewed_does_not_answer_a_question_about_the_plan():
    """十四五期间…新增多少供热面积: the review of the 十三五 period states 新增供热面积479万平方米; that is what was
    done, not what is planned, so the question's figure is still missing. Asked about the past, it answers."""
    from ingest.records import Passage
    from kb.records import Hit
    text = "建成供热交换站54座，新增供热面积479万平方米，城区集中供热普及率达到90%。"
    p = Passage(id="d:1.1:p9", doc_id="d", doc_title="纲要", text=text, start=0, end=len(text), chapter=1,
                chapter_title="开启全面建设社会主义现代化卫滨新征程", section=1,
                section_title="决胜全面建成小康社会取得决定性成就", box=None, box_title=None, para=9, page=3)
    hits = [Hit(1, p, 1.0, 0.8, 0.5, Citation.of(p, None))]
    answer = Answer(text, (), hits[0].citation, p.id, 0)
    plan = querying.parse("十四五期间城区还要新增多少万平方米供热面积")
    past = querying.parse("十三五期间新增了多少万平方米供热面积")
    assert plan.period == "plan" and past.period == "past"
    assert verdict.features(plan, hits, answer)["asked_gap"] == 1.0
    assert verdict.features(past, hits, answer)["asked_gap"] == 0.0


def test_confidence_is_a_probability_and_the_gap_lowers_it():
    base = {"asked_gap": 0.0, "asks_person": 0.0, "asks_procedure": 0.0, "asks_fee": 0.0, "answer_bigrams": 0.8,
            "rare_missing": 0.1, "unknown_words": 0.0, "answer_dense": 0.8}
    for model in ("m3e-small", "hash"):                     # the fit's own model, and the fit without the dense feature
        sure = verdict.confidence(base, model)
        for worse in ({"asked_gap": 1.0}, {"asks_person": 1.0}, {"asks_procedure": 1.0}, {"rare_missing": 1.0}):
            assert 0.0 < verdict.confidence(base | worse, model) < sure < 1.0, (model, worse)
    model = json.loads(verdict.DATA.read_text(encoding="utf-8"))
    # tuning questions only
    assert model["fitted_on"] == ("eval/blind/tune.jsonl + eval/tune2/tune.jsonl + eval/kinds/tune.jsonl"
                                 " + eval/tune3/tune.jsonl")
    assert set(model["weights"]) == set(verdict.FEATURES) and model["model"] == "m3e-small"
    assert set(model["other_models"]["weights"]) == set(verdict.LEXICAL)


def test_the_thresholds_in_the_settings_are_the_fitted_ones():
    from kb.config import Config
    assert (Config().verdict.vouch_at, Config().verdict.vouch_at_other_models) == verdict.fitted_thresholds()


@pytest.mark.parametrize("args, code", [
    ((False, None, 0.0, True, True), verdict.NOTHING),
    ((True, "a", 0.99, False, True), verdict.OFF_TOPIC),
    ((True, None, 0.99, True, True), verdict.NOT_STATED),
    ((True, "a", 0.50, True, True), verdict.NOT_STATED),
    ((True, "a", 0.90, True, True), verdict.ANSWERED),
    ((True, "a", 0.90, True, False), verdict.BY_MEANING),
])
def test_the_verdict_code(args, code):
    assert verdict.decide(*args, vouch_at=0.7) == code
    assert code in verdict.MESSAGES          # every code has its one wording, for the CLI and the app alike


def test_an_unvouched_answer_is_a_candidate_never_the_answer(hash_kb, capsys, hash_index):
    from kb.config import Config, VerdictCfg
    strict = KnowledgeBase.open(hash_index, model="hash", config=Config(verdict=VerdictCfg(vouch_at=1.0,
                                                                                          vouch_at_other_models=1.0)))
    r = strict.ask("铜材料深加工目标", k=3)
    assert r.verdict == verdict.NOT_STATED and r.answer is None and r.answerable is False
    assert r.candidate is not None and r.candidate.text in strict.passage(r.candidate.passage_id).text
    assert 0.0 < r.confidence < 1.0 and r.to_json()["candidate"]["text"] == r.candidate.text
    loose = KnowledgeBase.open(hash_index, model="hash", config=Config(verdict=VerdictCfg(vouch_at=0.0,
                                                                                         vouch_at_other_models=0.0)))
    r = loose.ask("铜材料深加工目标", k=3)
    assert r.verdict == verdict.ANSWERED and r.answer is not None and r.candidate is None


def test_the_cli_does_not_claim_an_unvouched_sentence(capsys, hash_index, tmp_path, monkeypatch):
    cfg = tmp_path / "strict.toml"
    cfg.write_text("[verdict]\nvouch_at = 1.0\nvouch_at_other_models = 1.0\n", encoding="utf-8")
    monkeypatch.setenv("KB_CONFIG", str(cfg))
    assert main(["--index", str(hash_index), "--model", "hash", "ask", "铜材料深加工目标", "-k", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(verdict.MESSAGES[verdict.NOT_STATED]) and "答：" not in out and "把握" not in out
    assert verdict.CANDIDATE_LABEL + "：" in out and "[1] " in out


def test_ask_json_says_whether_the_outline_answers(capsys, hash_index):
    code = main(["--index", str(hash_index), "--model", "hash", "ask", "铜材料深加工目标", "--json", "-k", "3"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and isinstance(data["answerable"], bool) and 0.0 <= data["confidence"] <= 1.0
    assert (data["answer"] is not None) == data["answerable"]


def test_no_answer_keeps_the_closest_passages(hash_kb):
    r = hash_kb.ask("全区要建几个5G基站", k=3)                   # a count the outline never gives
    assert r.answerable is False and r.answer is None and len(r.hits) == 3


@pytest.mark.model
def test_real_model_verdicts(real_kb):
    r = real_kb.ask("全区要建几个5G基站")                          # the outline names 5G, never a count
    assert r.answerable is False and r.answer is None and r.hits
    assert "5G" in r.hits[0].passage.text
    r = real_kb.ask("到十四五末要改造多少个老旧小区")
    assert r.answerable is True and "194个" in r.answer.text and r.confidence > 0.5


@pytest.mark.parametrize("question,period", [
    ("十三五期间全区改造了多少个老旧小区", "past"),
    ("过去五年城镇累计新增就业多少人", "past"),
    ("农村饮水安全目前已经达标了吗", "past"),
    ("到2025年卫河水质要达到什么目标", "plan"),
    ("十四五期间力争培育多少家高新技术企业", "plan"),
    ("2020年全区地区生产总值有多少", "past"),         # the base year is reviewed, not planned
    ("2025年规模以上工业增加值增长目标是多少", "plan"),
    ("铜材料深加工", None),
])
def test_the_period_a_question_asks_about(question, period):
    assert querying.parse(question).period == period


def test_period_bonus_favours_the_review_for_past_questions(hash_kb):
    past = hash_kb._meta["past"]
    review = [p for p, flag in zip(hash_kb.passages, past) if flag]
    assert review and all("成就" in p.section_title or "十三五" in p.text for p in review)
    assert any(p.chapter == 1 and p.section == 1 for p in review)


@pytest.mark.model
@pytest.mark.parametrize("question,figure", [
    ("过去五年城镇累计新增就业多少人", "3.3万人"),       # the review states it; the plan's 2.9万人 ranks first
    ("十三五期间既有建筑节能改造完成了多少", "197万平方米"),
])
def test_the_sentence_stating_the_figure_wins(real_kb, question, figure):
    r = real_kb.ask(question)
    assert r.answerable and figure in r.answer.text


@pytest.mark.model
def test_a_row_without_the_year_asked_does_not_answer(real_kb):
    # 地区生产总值增长 has no 2020 column: the body text's 2020 figure answers, not the indicator row
    r = real_kb.ask("2020年全区地区生产总值有多少？")
    assert r.answer is not None and r.answer.kind == "sentence" and "300亿元" in r.answer.text


@pytest.mark.parametrize("query", ["？！。，、", "?!.,;:", "🙂🙂"])
def test_a_query_without_words_gets_no_answer(hash_kb, query):
    r = hash_kb.ask(query, k=3)
    assert r.answer is None and r.answerable is False


@pytest.mark.parametrize("question", ["讲个笑话", "明天天气怎么样 会不会下雨"])
def test_a_question_about_something_else_is_not_answered(hash_kb, capsys, hash_index, question):
    """A question nearer an everyday kind of question (kb/data/offtopic.txt) than anything the outline says, by more
    than the calibrated margin, is not answered; the closest passages are still listed, and the CLI and JSON say so."""
    r = hash_kb.ask(question, k=3)
    assert r.on_topic is False and r.answerable is False and r.answer is None and len(r.hits) == 3
    assert r.confidence == 0.0 and r.to_json()["on_topic"] is False
    assert main(["--index", str(hash_index), "--model", "hash", "ask", question, "-k", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("这个问题看起来不是在问纲要的内容，纲要中未写明。") and "[1] " in out and "答：" not in out
    on = hash_kb.ask("铜材料深加工目标")
    assert on.on_topic is True and on.answerable is True and on.to_json()["on_topic"] is True


def test_the_topic_gap_compares_the_nearest_kind_with_the_nearest_sentence(hash_kb):
    """topic_gap = the best cosine to an everyday kind of question less the best cosine to a sentence of the
    documents; a question made of one kind's own words sits far above the margin, an outline sentence far below."""
    kind = verdict.offtopic_kinds()[0]
    assert hash_kb.evidence(kind)[2]["topic_gap"] > verdict._model()["offtopic_margin"] + 0.1
    assert hash_kb.evidence("符合改造条件的194个老旧小区全部改造到位")[2]["topic_gap"] < 0
    assert verdict.off_topic(1.0) and not verdict.off_topic(-1.0)
    assert all(not k.startswith("#") and k for k in verdict.offtopic_kinds())


@pytest.mark.model
def test_real_model_refuses_questions_about_something_else(real_kb):
    """Measured on questions written blind for it (eval/offtopic/test.jsonl, never fitted on): at least 59 of 60
    refused (60 measured with the 把握 as P(right); 29 with the off-topic margin alone, 10 before it), while the
    client's example is still answered."""
    from kb.evaluation import metrics as evaluate
    from .conftest import ROOT
    qs = evaluate.load_questions(ROOT / "eval" / "offtopic" / "test.jsonl")
    refused = sum(not real_kb.ask(q.question).answerable for q in qs)
    assert len(qs) == 60 and refused >= 59
    r = real_kb.ask("铜材料深加工目标")
    assert r.on_topic and r.answerable


@pytest.mark.model
@pytest.mark.parametrize("question", ["区里要建地铁吗", "卫滨区区长是谁", "公积金怎么提取"])
def test_the_issues_confident_wrong_answers_are_no_longer_claimed(real_kb, question):
    """Issue 19's examples: each was answered with a sentence at 72–79%; now nothing is claimed, the closest
    sentence is a candidate among the passages."""
    r = real_kb.ask(question)
    assert r.answer is None and r.verdict in (verdict.NOT_STATED, verdict.OFF_TOPIC) and r.hits
    assert r.confidence < Config().verdict.vouch_at


@pytest.mark.model
def test_the_confidence_means_what_it_says_on_the_tuning_answers(real_kb):
    """On the answers shown for the tuning questions, the share right is within 0.1 of the mean 把握 shown."""
    from kb.evaluation import metrics as evaluate
    from .conftest import ROOT
    qs = [q for f in ("blind/tune.jsonl", "tune2/tune.jsonl", "kinds/tune.jsonl")
          for q in evaluate.load_questions(ROOT / "eval" / f)]

    def product(q):
        r = real_kb.ask(q, k=10)
        return (*evaluate.result_texts(r), r.answerable, r.confidence)
    rep = evaluate.evaluate(qs, product, k=10)
    pairs = evaluate.shown_pairs(rep)
    assert len(pairs) > 80 and rep.answered_precision >= 0.90 and rep.ece <= 0.08
    assert abs(sum(c for c, _ in pairs) / len(pairs) - sum(ok for _, ok in pairs) / len(pairs)) <= 0.1


def test_the_wording_names_what_was_searched(tmp_path, capsys):
    """纲要中没有… only when every document searched is an outline: a notice alone is 这份文件, a notice beside the
    outline 这些文件 (a 通知 is no 纲要); the outline alone keeps 纲要."""
    import shutil
    from pathlib import Path
    from kb import KnowledgeBase
    from kb.cli import main
    outline = "新乡市卫滨区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要（草案）"
    assert verdict.messages_for([outline]) is verdict.MESSAGES
    assert verdict.messages_for(["浙江省物价局、省财政厅关于城市道路占道、挖掘收费有关问题的通知"])[verdict.NOT_STATED] \
        .startswith("这份文件中没有明确回答")
    assert verdict.messages_for([outline, "政府工作报告"])[verdict.OFF_TOPIC].startswith("这个问题看起来不是在问这些文件的内容")
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(Path(__file__).parent / "data" / "gallery" / "notice-zhejiang-zhandao-wajue.txt", src)
    KnowledgeBase.sync([src], tmp_path / "index", model="hash")
    assert main(["--index", str(tmp_path / "index"), "--model", "hash", "ask", "占道费标准的负责人是谁", "-k", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("这份文件中没有明确回答这个问题的句子") and "纲要" not in out.splitlines()[0]
