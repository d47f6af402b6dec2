# Gold pairs written by hand from the four texts (see README.md).  Quotes are typed here and copied
# exactly from the files by build_pairs.py (locate.py); O = the Weibin outline, P = 十四五 建议 (2020),
# N = 2018 中央一号文件, G = 2021 政府工作报告.
O, P, N, G = ("weibin-14th-five-year-plan-outline", "central-14th-fyp-proposal-2020",
              "central-no1-2018", "gov-work-report-2021")

PAIRS = [
# ---- outline, chapter 1: review, guiding principles, targets
(O, "2020年地区生产总值突破300亿元,年均增长6.5%,一二三产业比重调整为1:33:66", [],
 "district's own 13th-FYP results (GDP, industry mix); no other document states these figures"),
(O, "以推动高质量发展为主题,以深化供给侧结构性改革为主线", [
    (P, "以推动高质量发展为主题，以深化供给侧结构性改革为主线，以改革创新为根本动力"),
    (G, "以推动高质量发展为主题，以深化供给侧结构性改革为主线，以改革创新为根本动力")],
 "same guiding formula: high-quality development as theme, supply-side structural reform as main line"),
(O, "坚持人民主体地位,坚持共同富裕方向", [
    (P, "坚持人民主体地位，坚持共同富裕方向，始终做到发展为了人民、发展依靠人民、发展成果由人民共享")],
 "principle 坚持以人民为中心 worded as in the central proposal"),
(O, "着力固根基、扬优势、补短板、强弱项,注重防范化解重大风险挑战", [
    (P, "着力固根基、扬优势、补短板、强弱项，注重防范化解重大风险挑战")],
 "principle 坚持系统观念, same wording"),
(O, "实现更高质量、更有效率、更加公平、更可持续、更为安全的发展", [
    (P, "实现更高质量、更有效率、更加公平、更可持续、更为安全的发展"),
    (G, "实现更高质量、更有效率、更加公平、更可持续、更为安全的发展")],
 "principle 坚持新发展理念: the five 'more' development goal"),
(O, "城乡居民收入与生产总值同步增长", [
    (P, "居民收入增长和经济增长基本同步"),
    (G, "居民人均可支配收入增长与国内生产总值增长基本同步")],
 "target: residents' income grows in step with GDP"),
(O, "身心健康素质明显提高", [
    (P, "人民思想道德素质、科学文化素质和身心健康素质明显提高")],
 "target on citizens' moral, scientific-cultural and physical-mental quality"),
(O, "主要污染物排放总量持续减少", [
    (P, "主要污染物排放总量持续减少"),
    (G, "主要污染物排放量继续下降")],
 "target: total emissions of major pollutants keep falling"),
(O, "重污染天气基本消除", [
    (P, "加强细颗粒物和臭氧协同控制，基本消除重污染天气"),
    (G, "基本消除重污染天气和城市黑臭水体")],
 "target: heavy-pollution weather basically eliminated"),
(O, "实现更加充分更高质量就业", [
    (P, "实现更加充分更高质量就业，居民收入增长和经济增长基本同步")],
 "target: fuller, higher-quality employment"),
(O, "全民受教育程度不断提高,卫生健康体系更加完善,多层次社会保障体系更加健全", [
    (P, "全民受教育程度不断提升，多层次社会保障体系更加健全，卫生健康体系更加完善"),
    (G, "劳动年龄人口平均受教育年限提高到11.3年"),
    (G, "健全多层次社会保障体系，基本养老保险参保率提高到95%")],
 "livelihood targets: education level, health system, multi-tier social security"),
(O, "全面实施\"八五\"普法规划", [
    (G, "启动实施“八五”普法规划"),
    (P, "深入开展法治宣传教育"),
    (N, "加大农村普法力度，提高农民法治素养")],
 "implement the 8th five-year legal-publicity (普法) plan"),
# ---- chapter 2: manufacturing
(O, "推动先进制造业集群化、高端化、智能化、绿色化发展,形成全区经济高质量发展的主引擎", [
    (P, "推动传统产业高端化、智能化、绿色化，发展服务型制造"),
    (P, "推动先进制造业集群发展")],
 "manufacturing to go clustered, high-end, intelligent and green"),
(O, "分行业做好产业链供应链图谱设计,深入开展延链补链强链行动", [
    (P, "分行业做好供应链战略设计和精准施策，推动全产业链优化升级"),
    (P, "补齐产业链供应链短板")],
 "industry-by-industry supply-chain design and filling chain gaps"),
(O, "力争到\"十四五\"末,全区智能装备企业达到15家,实现营业收入100亿元以上", [],
 "district target for its tunnel/intelligent-equipment firms; local figures only"),
(O, "全区智能机器人企业达到10家", [],
 "district target for robot firms; local figures only"),
(O, "全区铜加工企业达到10家", [],
 "district target for copper-processing firms; local figures only"),
(O, "推动生命科学和生物技术、航空航天、新能源等战略新兴产业发展壮大", [
    (P, "加快壮大新一代信息技术、生物技术、新能源、新材料、高端装备、新能源汽车、绿色环保以及航空航天、海洋装备等产业"),
    (G, "发展壮大战略性新兴产业")],
 "grow strategic emerging industries incl. biotech, aerospace, new energy"),
(O, "引导企业将基础设施、业务系统、设备产品向云端迁移,降低信息化建设成本和门槛,加快推进企业数字化转型", [
    (P, "推进数字产业化和产业数字化，推动数字经济和实体经济深度融合"),
    (G, "协同推进数字产业化和产业数字化转型"),
    (G, "推动产业数字化智能化改造")],
 "digital transformation of enterprises / industrial digitalisation"),
(O, "谋划推进隧道设备产业园、智能机器人产业园、装备智能产业园、铜加工产业园、卫滨科创产业园等区中园建设", [],
 "named parks inside the district's equipment park; local projects"),
(O, "积极推进高端装备专业园区与高新区融合,并作为高新区\"西区\"", [],
 "merging the district park with the Xinxiang high-tech zone; local arrangement"),
# ---- chapter 3: services
(O, "推动生活性服务业向高品质和多样化升级", [
    (P, "推动生活性服务业向高品质和多样化升级")],
 "consumer services toward high quality and diversity, same wording"),
(O, "推动生产性服务业向专业化和价值链高端延伸", [
    (P, "推动生产性服务业向专业化和价值链高端延伸")],
 "producer services toward specialisation and the high end of the value chain"),
(O, "总结金融保险超市项目成功运行的经验", [],
 "district's own 金融保险超市 project; local"),
(O, "促进现代服务业同先进制造业、现代农业深度融合发展", [
    (P, "推动现代服务业同先进制造业、现代农业深度融合")],
 "integration of modern services with advanced manufacturing and modern agriculture"),
(O, "在全区推广\"胖东来\"服务模式", [],
 "promotes a named local retailer's service model; local"),
(O, "推广无接触交易服务,降低企业流通成本", [
    (P, "发展无接触交易服务，降低企业流通成本")],
 "contactless trading services to cut distribution costs"),
(O, "打造具备交通运输、信息服务、仓储配送、金融服务等功能的现代物流体系", [
    (P, "构建现代物流体系"),
    (G, "发展现代物流体系")],
 "build a modern logistics system"),
(O, "推进文旅融合发展", [
    (P, "推动文化和旅游融合发展")],
 "integrating culture and tourism"),
(O, "抢抓大运河文化公园建设契机", [
    (P, "建设长城、大运河、长征、黄河等国家文化公园"),
    (G, "建设国家文化公园")],
 "Grand Canal national cultural park"),
(O, "打造石榴巷文化走廊,以东方文化步行街通过省级步行街评审为抓手", [],
 "named local street projects; local"),
(O, "发展银发经济,促进养老事业和养老产业协同发展", [
    (P, "发展银发经济。推动养老事业和养老产业协同发展")],
 "silver economy; elderly-care undertakings and industry developed together"),
(O, "鼓励发展夜间经济", [],
 "night-time economy: no measure on it in the three higher-level texts"),
(O, "拓宽假日消费空间", [
    (P, "完善节假日制度，落实带薪休假制度，扩大节假日消费")],
 "expand holiday consumption"),
# ---- chapter 4: innovation
(O, "强化企业创新主体地位,鼓励提高企业的自主创新能力", [
    (P, "强化企业创新主体地位，促进各类创新要素向企业集聚"),
    (G, "强化企业创新主体地位，鼓励领军企业组建创新联合体")],
 "enterprises as the main body of innovation"),
(O, "加快推动一批创新能力强、成长速度快、发展潜力大的小微企业成长为\"专精特新\"的\"科技小巨人\"企业", [
    (P, "支持创新型中小微企业成长为创新重要发源地"),
    (G, "提升中小微企业创新能力和专业化水平")],
 "grow innovative small firms into specialised ('专精特新') innovators"),
(O, "鼓励企业牵头或与高校、科研院所合作,建设重点实验室、工程研究中心、企业技术中心", [
    (P, "推进产学研深度融合，支持企业牵头组建创新联合体"),
    (G, "拓展产学研用融合通道")],
 "enterprise-led industry-university-research cooperation"),
(O, "推动人才链、创新链与产业链深度融合", [
    (G, "促进产业链和创新链融合")],
 "fuse innovation chain with industry chain"),
(O, "建立完善科技人才评价激励机制,突出品德、能力、业绩导向", [
    (P, "健全以创新能力、质量、实效、贡献为导向的科技人才评价体系"),
    (G, "优化项目申报、评审、经费管理、人才评价和激励机制")],
 "evaluation and incentive system for S&T talent"),
(O, "落实以增加知识价值为导向的分配政策", [
    (N, "健全种业等领域科研人员以知识产权明晰为基础、以知识价值为导向的分配政策"),
    (P, "构建充分体现知识、技术等创新要素价值的收益分配机制")],
 "income distribution oriented to the value of knowledge"),
(O, "建立科技创新财政投入稳定增长机制,到\"十四五\"末全区研发经费投入强度有明显提升", [
    (G, "全社会研发经费投入年均增长7%以上、力争投入强度高于“十三五”时期实际"),
    (P, "加大研发投入，健全政府投入为主、社会多渠道投入机制")],
 "raise R&D spending intensity / stable public R&D funding"),
# ---- chapter 5: reform and opening
(O, "持续强力推进\"放管服\"改革", [
    (G, "纵深推进“放管服”改革，加快营造市场化、法治化、国际化营商环境"),
    (G, "深化“放管服”改革，构建一流营商环境"),
    (P, "深化简政放权、放管结合、优化服务改革")],
 "放管服 reform (streamline administration, delegate, regulate, serve)"),
(O, "关于构建亲清新型政商关系的重要指示精神", [
    (P, "构建亲清政商关系"),
    (G, "构建亲清政商关系，破除制约民营企业发展的各种壁垒")],
 "cordial and clean government-business relations"),
(O, "实施卫滨区公平竞争审查工作联席会议制度,规范政府有关行为,清理废除妨碍统一市场和公平竞争的各种规定", [
    (P, "健全公平竞争审查机制"),
    (G, "坚决维护公平竞争市场环境")],
 "fair-competition review of government rules"),
(O, "建立专人专班招商工作机制,组建专业招商小分队", [],
 "district investment-promotion teams; none of the three texts has a measure on investment promotion"),
(O, "促进民营经济健康发展,坚持\"两个毫不动摇\"", [
    (P, "毫不动摇巩固和发展公有制经济，毫不动摇鼓励、支持、引导非公有制经济发展"),
    (G, "毫不动摇巩固和发展公有制经济，毫不动摇鼓励、支持、引导非公有制经济发展")],
 "the 'two unwaverings' toward public and non-public economy"),
(O, "加强对民营企业的产权保护", [
    (P, "依法平等保护民营企业产权和企业家权益"),
    (G, "依法平等保护各类市场主体产权")],
 "protect property rights of private firms"),
(O, "增加面向小微企业和民营企业的金融服务供给", [
    (G, "进一步解决中小微企业融资难题"),
    (G, "今年务必做到小微企业融资更便利、综合融资成本稳中有降")],
 "financing for small and private firms"),
(O, "充分利用多层次资本市场,加快推进企业上市,新三板、四板挂牌", [
    (G, "更好发挥多层次资本市场作用，拓展市场主体融资渠道"),
    (N, "支持符合条件的涉农企业发行上市、新三板挂牌和融资、并购重组")],
 "use multi-tier capital markets: listing, NEEQ (新三板) quotation"),
(O, "全面实施市场准入负面清单制度", [
    (P, "实施统一的市场准入负面清单制度"),
    (G, "继续放宽市场准入")],
 "market-access negative list"),
(O, "不断激发弘扬优秀企业家精神", [
    (P, "弘扬企业家精神，加快建设世界一流企业"),
    (G, "弘扬企业家精神。")],
 "promote entrepreneurship (企业家精神)"),
(O, "围绕先进制造业、现代服务业、城市更新等领域承接产业转移", [
    (P, "促进产业在国内有序转移，优化区域产业链布局")],
 "take on industries relocating within China"),
# ---- chapter 6: city
(O, "加快推动机场、殡仪馆、植物园搬迁工作", [],
 "relocation of the local airport, funeral home and botanical garden; local"),
(O, "加快铁西区域金穗大道、向阳路、西华大道、幸福路等道路建设", [],
 "named local roads; local"),
(O, "积极推进贾太湖提升改造、夏荷公园改造、植物园迁建等重点项目进程", [],
 "named local park and lake projects; local"),
(O, "建设中原国际汽车文化产业新城", [],
 "named local real-estate/auto-trade project; local"),
(O, "南部区域拟定于黄河大道以东、规划和平路以西、南环以南、规划南外环以北区域合围 17 平方公里", [],
 "boundary of a local development area; local"),
(O, "高标准实施老旧小区和城中村改造", [
    (P, "加强城镇老旧小区改造和社区建设"),
    (G, "新开工改造城镇老旧小区5.3万个"),
    (G, "加大城镇老旧小区改造力度")],
 "renovation of old urban residential compounds"),
(O, "开展城区河道和城市黑臭水体治理", [
    (P, "基本消除城市黑臭水体"),
    (G, "整治入河入海排污口和城市黑臭水体"),
    (G, "基本消除重污染天气和城市黑臭水体")],
 "clean up black-and-odorous urban water bodies"),
(O, "持续推进垃圾分类工作,扩大生活垃圾分类覆盖面", [
    (G, "有序推进城镇生活垃圾分类处置"),
    (P, "推行垃圾分类和减量化、资源化")],
 "household waste sorting"),
(O, "推进政府服务数字化转型,提升公共服务、社会治理等数字化水平", [
    (P, "加强数字社会、数字政府建设，提升公共服务、社会治理等数字化智能化水平"),
    (G, "提高数字政府建设水平"),
    (G, "加强数字政府建设")],
 "digital government; digitalised public services and social governance"),
(O, "推动企业和群众办事线上\"一网通办\"", [
    (G, "实现更多政务服务事项网上办、掌上办、一次办")],
 "government services handled online in one place"),
# ---- chapter 7: rural revitalisation
(O, "推进1.5万亩高标准农田建设", [
    (P, "实施高标准农田建设工程"),
    (G, "实施高标准农田建设工程、黑土地保护工程"),
    (G, "提高高标准农田建设标准和质量"),
    (N, "大规模推进农村土地整治和高标准农田建设"),
    (N, "集中力量推进高标准农田建设")],
 "high-standard farmland construction"),
(O, "丁唐路沿线唐庄、洛丝潭、梁任旺、十五里堡等区域继续引进玫瑰、樱花等观赏植物种植", [],
 "ornamental planting along a named local road and villages; local"),
(O, "积极开展农产品品牌创建,推进无公害农产品、绿色食品、有机农产品的认证工作", [
    (N, "培育农产品品牌，保护地理标志农产品"),
    (N, "深入推进农业绿色化、优质化、特色化、品牌化")],
 "farm-product brands and green/organic certification"),
(O, "加快农文旅融合发展", [
    (N, "实施休闲农业和乡村旅游精品工程"),
    (P, "发展红色旅游和乡村旅游"),
    (P, "推动农村一二三产业融合发展")],
 "agriculture-culture-tourism integration, leisure farming and rural tourism"),
(O, "加快培育农民合作社、家庭农场等新型农业经营主体,健全农业专业化社会化服务体系,发展多种形式适度规模经营,实现小农户和现代农业有机衔接", [
    (P, "加快培育农民合作社、家庭农场等新型农业经营主体，健全农业专业化社会化服务体系，发展多种形式适度规模经营，实现小农户和现代农业有机衔接"),
    (N, "实施新型农业经营主体培育工程，培育发展家庭农场、合作社、龙头企业、社会化服务组织和农业产业化联合体，发展多种形式适度规模经营"),
    (N, "促进小农户和现代农业发展有机衔接"),
    (G, "稳步推进多种形式适度规模经营，加快发展专业化社会化服务")],
 "new agricultural business entities, socialised services, moderate-scale operation, smallholders linked to modern farming"),
(O, "构建农产品仓储保鲜冷链物流项目,作为农产品的转运、仓储配送基地", [
    (N, "建设现代化农产品冷链仓储物流体系")],
 "cold-chain storage and logistics for farm produce"),
(O, "把乡村建设摆在现代化建设的重要位置", [
    (P, "把乡村建设摆在社会主义现代化建设的重要位置"),
    (G, "实施乡村建设行动")],
 "rural construction action placed high among modernisation tasks"),
(O, "做好 S309 长济线新乡西环至获嘉武陟界段改建工程卫滨区 2.15 公里省级道路建设", [],
 "a named provincial road section; local project and figures"),
(O, "推进农村公路提升工程", [
    (N, "以示范县为载体全面推进“四好农村路”建设"),
    (N, "加快农村公路、供水、供气、环保、电网、物流、信息、广播电视等基础设施建设"),
    (P, "完善乡村水、电、路、气、通信、广播电视、物流等基础设施")],
 "upgrade rural roads"),
(O, "实施农村饮水安全工程提升改造", [
    (N, "实施农村饮水安全巩固提升工程"),
    (P, "完善乡村水、电、路、气、通信、广播电视、物流等基础设施")],
 "rural drinking-water safety upgrade"),
(O, "实现全区农村生活污水全部收集处理", [
    (P, "因地制宜推进农村改厕、生活垃圾处理和污水治理"),
    (N, "以农村垃圾、污水治理和村容村貌提升为主攻方向"),
    (N, "总结推广适用不同地区的农村污水治理模式")],
 "rural domestic sewage treatment"),
(O, "确保实现全区农村生活垃圾全部收集处理,积极推进农村生活垃圾分类减量工作", [
    (P, "因地制宜推进农村改厕、生活垃圾处理和污水治理"),
    (N, "以农村垃圾、污水治理和村容村貌提升为主攻方向")],
 "rural household waste collection and treatment"),
(O, "抓好人居环境整治,推进厕所革命,推动农村服务功能完善、环境面貌整体提升", [
    (N, "坚持不懈推进农村“厕所革命”"),
    (N, "实施农村人居环境整治三年行动计划"),
    (P, "因地制宜推进农村改厕、生活垃圾处理和污水治理，实施河湖水系综合整治，改善农村人居环境"),
    (G, "启动农村人居环境整治提升五年行动")],
 "rural living-environment improvement and the toilet revolution"),
(O, "一面:西南环两侧形象打造:一河:西孟河:一廊道:丁唐路产业廊道", [],
 "named local road, river and corridor of a village-beautification project; local"),
(O, "采用分散收集集中处理能源化利用模式,畜禽废弃物经过中温厌氧发酵转化为沼气、沼液、沼渣", [
    (N, "推进有机肥替代化肥、畜禽粪污处理、农作物秸秆综合利用、废弃农膜回收、病虫害绿色防控")],
 "livestock-manure treatment and reuse"),
(O, "落实第二轮土地承包到期后再延长三十年政策", [
    (P, "落实第二轮土地承包到期后再延长三十年政策"),
    (N, "衔接落实好第二轮土地承包到期后再延长30年的政策"),
    (G, "保持土地承包关系稳定并长久不变")],
 "extend second-round land contracts by 30 years"),
(O, "积极探索实施农村集体经营性建设用地入市制度,大力推动农村承包地集中流转", [
    (P, "积极探索实施农村集体经营性建设用地入市制度"),
    (N, "系统总结农村土地征收、集体经营性建设用地入市、宅基地制度改革试点经验")],
 "collective commercial construction land entering the market"),
(O, "建立土地征收公共利益用地认定机制", [
    (P, "建立土地征收公共利益用地认定机制，缩小土地征收范围")],
 "public-interest test for land expropriation"),
(O, "探索宅基地所有权、资格权、使用权分置实现形式", [
    (P, "探索宅基地所有权、资格权、使用权分置实现形式"),
    (N, "探索宅基地所有权、资格权、使用权“三权分置”"),
    (G, "稳慎推进农村宅基地制度改革试点")],
 "separating ownership, qualification and use rights of homesteads"),
(O, "着力发展壮大集体经济", [
    (P, "发展新型农村集体经济"),
    (G, "发展新型农村集体经济"),
    (N, "探索农村集体经济新的实现形式和运行机制")],
 "strengthen the rural collective economy"),
(O, "实现巩固拓展脱贫攻坚成果同乡村振兴有效衔接", [
    (P, "实现巩固拓展脱贫攻坚成果同乡村振兴有效衔接"),
    (G, "做好巩固拓展脱贫攻坚成果同乡村振兴有效衔接"),
    (N, "做好实施乡村振兴战略与打好精准脱贫攻坚战的有机衔接")],
 "link consolidated poverty-alleviation gains with rural revitalisation"),
(O, "以在城镇稳定就业生活的农业转移人口为重点,逐步把符合条件的农业转移人口转为城镇居民", [
    (P, "加快农业转移人口市民化"),
    (G, "加快农业转移人口市民化"),
    (N, "促进有条件、有意愿、在城镇有稳定就业和住所的农业转移人口在城镇有序落户")],
 "urban settlement (市民化) of rural migrants"),
(O, "严格落实\"四个不摘\"要求,保持现有帮扶政策、资金支持、帮扶力量总体稳定", [
    (G, "对脱贫县从脱贫之日起设立5年过渡期，保持主要帮扶政策总体稳定"),
    (P, "保持财政投入力度总体稳定，接续推进脱贫地区发展")],
 "keep assistance policies stable after poverty exit"),
(O, "健全防止返贫监测和帮扶机制,加强扶贫项目资金资产管理和监督,推动特色产业可持续发展", [
    (P, "健全防止返贫监测和帮扶机制"),
    (P, "加强扶贫项目资金资产管理和监督，推动特色产业可持续发展"),
    (G, "健全防止返贫动态监测和帮扶机制"),
    (G, "加强易返贫致贫人口监测和帮扶"),
    (N, "切实加强扶贫资金管理，对挪用和贪污扶贫款项的行为严惩不贷")],
 "monitoring and assistance to prevent relapse into poverty"),
(O, "健全农村社会保障和救助制度,完善兜底保障政策", [
    (P, "健全农村社会保障和救助制度"),
    (N, "做好农村社会救助兜底工作")],
 "rural social security and assistance as a safety net"),
# ---- chapter 8: culture
(O, "加强党史、新中国史、改革开放史、社会主义发展史教育,加强爱国主义、集体主义、社会主义教育", [
    (P, "加强党史、新中国史、改革开放史、社会主义发展史教育，加强爱国主义、集体主义、社会主义教育"),
    (N, "加强爱国主义、集体主义、社会主义教育"),
    (G, "扎实开展党史学习教育")],
 "education in Party/PRC/reform/socialist history and patriotism"),
(O, "加强网络文明建设,发展积极健康的网络文化", [
    (P, "加强网络文明建设，发展积极健康的网络文化"),
    (G, "加强互联网内容建设和管理，发展积极健康的网络文化")],
 "healthy online culture"),
(O, "推进城乡公共文化服务体系一体建设", [
    (P, "推进城乡公共文化服务体系一体建设，创新实施文化惠民工程"),
    (G, "推进城乡公共文化服务体系一体建设，创新实施文化惠民工程，倡导全民阅读"),
    (N, "健全乡村公共文化服务体系")],
 "integrated urban-rural public cultural service system"),
(O, "深入实施农家书屋、公益电影放映等文化惠民工程", [
    (P, "创新实施文化惠民工程"),
    (G, "创新实施文化惠民工程"),
    (N, "深入推进文化惠民，公共文化资源要重点向乡村倾斜")],
 "culture-benefiting-the-people projects"),
(O, "推动公共文化数字化建设", [
    (P, "推动公共文化数字化建设")],
 "digitalisation of public culture"),
(O, "支持新乡望野艺术博物馆、郭峰中医药博物馆、赵林陶瓷博物馆等非国有博物馆建设", [],
 "named local private museums; local"),
(O, "开展非物质遗产调查及档案、名录建立工作", [
    (P, "强化重要文化和自然遗产、非物质文化遗产系统性保护"),
    (G, "加强文物保护利用和非物质文化遗产传承")],
 "intangible cultural heritage protection"),
(O, "培育和践行社会主义核心价值观,加强社会公德、职业道德、家庭美德、个人品德建设", [
    (N, "推进社会公德、职业道德、家庭美德、个人品德建设"),
    (G, "培育和践行社会主义核心价值观，弘扬伟大抗疫精神和脱贫攻坚精神，推进公民道德建设"),
    (P, "推进公民道德建设")],
 "core socialist values and civic morality"),
(O, "实施文明创建工程,加强新时代文明实践中心建设", [
    (P, "实施文明创建工程，拓展新时代文明实践中心建设")],
 "civilisation-building project and new-era civilisation practice centres"),
(O, "深化群众性精神文明创建活动", [
    (N, "广泛开展文明村镇、星级文明户、文明家庭等群众性精神文明创建活动")],
 "mass campaigns for cultural-ethical progress"),
(O, "健全志愿服务体系", [
    (P, "健全志愿服务体系，广泛开展志愿服务关爱行动"),
    (N, "积极发展农村社会工作和志愿服务"),
    (G, "支持社会组织、人道救助、志愿服务、公益慈善发展")],
 "volunteer service system"),
(O, "开展以劳动创造幸福为主题的宣传教育", [
    (P, "提倡艰苦奋斗、勤俭节约，开展以劳动创造幸福为主题的宣传教育")],
 "hard work and thrift; 'labour creates happiness' publicity"),
(O, "加强家庭、家教、家风建设", [
    (P, "加强家庭、家教、家风建设"),
    (N, "培育文明乡风、良好家风、淳朴民风")],
 "family, family education and family tradition"),
# ---- chapter 9: ecology
(O, "加强臭氧污染管控,强化重污染天气应急应对", [
    (P, "加强细颗粒物和臭氧协同控制"),
    (G, "加强细颗粒物和臭氧协同控制")],
 "ozone pollution control"),
(O, "加强禁煤区监管,全面推进民用清洁能源供应", [
    (G, "北方地区清洁取暖率达到70%"),
    (N, "推进北方地区农村散煤替代，有条件的地方有序推进煤改气、煤改电和新能源利用")],
 "replace household coal with clean energy / clean heating"),
(O, "严格落实河长制,持续推进\"四水同治\"", [
    (N, "全面推行河长制、湖长制"),
    (P, "强化河湖长制，加强大江大河和重要湖泊湿地生态保护治理")],
 "river-chief system"),
(O, "推进污水处理配套管网建设和雨污分流系统改造", [
    (P, "推进城镇污水管网全覆盖"),
    (G, "提高城镇生活污水收集和园区工业废水处置能力")],
 "sewage pipe networks and collection"),
(O, "抓好受污染耕地风险防范", [
    (N, "推进重金属污染耕地防控和修复")],
 "risk control on polluted farmland"),
(O, "推进土壤污染治理和修复", [
    (P, "推进化肥农药减量化和土壤污染治理"),
    (N, "开展土壤污染治理与修复技术应用试点"),
    (G, "严格土壤污染源头防控")],
 "soil pollution control and remediation"),
(O, "推进化肥农药减量增效行动,加强农膜、饲料等农业投入品使用管控", [
    (P, "推进化肥农药减量化和土壤污染治理"),
    (N, "实现投入品减量化、生产清洁化、废弃物资源化、产业模式生态化"),
    (N, "推进有机肥替代化肥、畜禽粪污处理、农作物秸秆综合利用、废弃农膜回收、病虫害绿色防控"),
    (G, "加强农业面源污染治理")],
 "cut fertiliser and pesticide use; farm inputs; agricultural non-point pollution"),
(O, "加快塑料污染治理,分品种分阶段禁限违规塑料制品的生产、销售和使用", [
    (P, "加强白色污染治理")],
 "plastic ('white') pollution control"),
(O, "加强危险废物医疗废物收集处理", [
    (P, "加强危险废物医疗废物收集处理"),
    (G, "加强危险废物医疗废物收集处理")],
 "hazardous and medical waste collection, identical wording"),
(O, "开展绿色生活创建活动,发展绿色交通和绿色建筑", [
    (P, "发展绿色建筑。开展绿色生活创建活动")],
 "green-living campaigns and green buildings"),
(O, "推行垃圾分类和垃圾处理无害化、减量化、资源化,加快构建废旧物资循环利用体系", [
    (P, "推行垃圾分类和减量化、资源化。加快构建废旧物资循环利用体系"),
    (G, "有序推进城镇生活垃圾分类处置")],
 "waste sorting, reduction, recycling system"),
(O, "继续实施最严格的水资源管理制度", [
    (P, "实施国家节水行动，建立水资源刚性约束制度"),
    (N, "实行水资源消耗总量和强度双控行动")],
 "strict water-resource management"),
(O, "大力推进节水农业", [
    (N, "实施国家农业节水行动"),
    (N, "建设一批重大高效节水灌溉工程")],
 "water-saving agriculture"),
(O, "严格保护耕地和永久基本农田", [
    (N, "全面落实永久基本农田特殊保护制度"),
    (N, "严守耕地红线，确保国家粮食安全"),
    (P, "坚持最严格的耕地保护制度"),
    (G, "严守18亿亩耕地红线"),
    (G, "强化耕地保护，坚决遏制耕地“非农化”、防止“非粮化”")],
 "protect farmland and permanent basic farmland"),
# ---- chapter 10: livelihood
(O, "落实就业优先战略", [
    (G, "实施就业优先战略，扩大就业容量"),
    (G, "就业优先政策要继续强化、聚力增效"),
    (P, "强化就业优先政策")],
 "employment-first strategy"),
(O, "加强对灵活就业、新就业形态的政策支持", [
    (P, "支持和规范发展新就业形态"),
    (P, "完善促进创业带动就业、多渠道灵活就业的保障制度"),
    (G, "支持和规范发展新就业形态"),
    (G, "继续对灵活就业人员给予社保补贴")],
 "flexible employment and new forms of employment"),
(O, "建立完善失业动态监测,适时发布预警信息", [
    (P, "健全就业需求调查和失业监测预警机制")],
 "unemployment monitoring and early warning"),
(O, "促进以创业带动就业", [
    (G, "促进创业带动就业"),
    (P, "完善促进创业带动就业、多渠道灵活就业的保障制度")],
 "entrepreneurship driving employment"),
(O, "为返乡创业提供便利", [
    (G, "加强对返乡创业的支持")],
 "support returnees starting businesses"),
(O, "继续把高校毕业生就业摆在首位", [
    (G, "做好高校毕业生、退役军人、农民工等重点群体就业工作")],
 "employment of college graduates as a key group"),
(O, "参与实施高校毕业生基层培养计划", [
    (N, "组织实施高校毕业生基层成长计划")],
 "programme placing graduates in grassroots posts"),
(O, "确保零就业家庭、最低生活保障家庭等困难家庭至少一人实现就业", [
    (P, "扩大公益性岗位安置，帮扶残疾人、零就业家庭成员就业"),
    (G, "完善残疾人、零就业家庭成员等困难人员就业帮扶政策")],
 "jobs for members of zero-employment and hardship households"),
(O, "推行职业技能培训制度", [
    (P, "健全就业公共服务体系、劳动关系协调机制、终身职业技能培训制度"),
    (G, "开展大规模、多层次职业技能培训"),
    (N, "大规模开展职业技能培训")],
 "vocational skills training system"),
(O, "全面贯彻党的教育方针,落实立德树人根本任务", [
    (P, "全面贯彻党的教育方针，坚持立德树人")],
 "Party's education policy; fostering virtue (立德树人)"),
(O, "构建以公益性、普惠性为主的学前教育公共服务体系", [
    (P, "完善普惠性学前教育和特殊教育、专门教育保障机制"),
    (G, "完善普惠性学前教育保障机制"),
    (N, "发展农村学前教育。")],
 "public-interest, affordable (普惠性) preschool education"),
(O, "学前三年毛入园率达到97%以上", [
    (G, "进一步提高学前教育入园率")],
 "raise preschool enrolment"),
(O, "实现区域内义务教育优质均衡发展", [
    (G, "推动义务教育优质均衡发展和城乡一体化"),
    (P, "推动义务教育均衡发展和城乡一体化"),
    (N, "推动建立以城带乡、整体推进、城乡一体、均衡发展的义务教育发展机制")],
 "balanced, quality compulsory education"),
(O, "区属学校全部消除 56 人以上大班额", [],
 "district target on oversized classes; the three higher-level texts state no such measure"),
(O, "强化师德师风建设,提升教师教书育人能力素质", [
    (P, "加强师德师风建设"),
    (P, "提升教师教书育人能力素质"),
    (G, "加强师德师风建设")],
 "teachers' ethics and teaching capacity"),
(O, "健全学校家庭社会协同育人机制,增强学生文明素质、社会责任和实践本领,重视青少年身体素质和心理健康教育", [
    (P, "健全学校家庭社会协同育人机制，提升教师教书育人能力素质，增强学生文明素养、社会责任意识、实践本领，重视青少年身体素质和心理健康教育"),
    (G, "健全学校家庭社会协同育人机制")],
 "school-family-society cooperation; students' physical and mental health"),
(O, "支持民办教育发展,规范校外培训机构", [
    (P, "支持和规范民办教育发展，规范校外培训机构"),
    (G, "支持和规范民办教育发展")],
 "private education and regulation of off-campus tutoring"),
(O, "积极做好基础养老金全国统筹工作", [
    (P, "实现基本养老保险全国统筹"),
    (G, "推进基本养老保险全国统筹")],
 "national pooling of basic pension insurance"),
(O, "持续做好城乡居民基本养老保险工作,逐步提高城乡居民养老保险金待遇水平", [
    (N, "建立城乡居民基本养老保险待遇确定和基础养老金标准正常调整机制"),
    (P, "健全基本养老、基本医疗保险筹资和待遇调整机制"),
    (G, "上调城乡居民基础养老金最低标准")],
 "raise urban-rural residents' basic pension benefits"),
(O, "严厉打击拒不支付劳动报酬等违法犯罪行为", [
    (G, "保障农民工工资及时足额支付")],
 "wage arrears (unpaid wages)"),
(O, "构建以最低生活保障为基础,各类专项救助和临时救助为辅助、社会力量共同参与的社会救助综合体系", [
    (P, "健全分层分类的社会救助体系"),
    (G, "分层分类做好社会救助"),
    (N, "统筹城乡社会救助体系，完善最低生活保障制度")],
 "tiered social assistance system based on minimum living allowance"),
(O, "健全困境儿童、高龄和失能老人、重度和贫困残疾人福利保障制度和服务体系", [
    (N, "健全农村留守儿童和妇女、老年人以及困境儿童关爱服务体系"),
    (P, "健全老年人、残疾人关爱服务体系和设施，完善帮扶残疾人、孤儿等社会福利制度"),
    (G, "健全帮扶残疾人、孤儿等社会福利制度")],
 "welfare and care for children in difficulty, elderly and disabled"),
(O, "积极发展慈善事业", [
    (P, "发挥第三次分配作用，发展慈善事业"),
    (G, "优化社会救助和慈善制度"),
    (G, "支持社会组织、人道救助、志愿服务、公益慈善发展")],
 "charity"),
(O, "建立稳定的公共卫生事业投入机制", [
    (P, "建立稳定的公共卫生事业投入机制"),
    (G, "建立稳定的公共卫生事业投入机制")],
 "stable funding for public health, identical wording"),
(O, "坚持中西医并重,推进中西医结合医院建设,大力发展中医药事业", [
    (P, "坚持中西医并重，大力发展中医药事业"),
    (G, "坚持中西医并重，实施中医药振兴发展重大工程"),
    (N, "加强乡村中医药服务")],
 "equal weight to Chinese and Western medicine; develop TCM"),
(O, "创新医防协同机制", [
    (P, "创新医防协同机制"),
    (G, "创新医防协同机制")],
 "coordination of medical treatment and disease prevention"),
(O, "提高应对突发公共卫生事件能力", [
    (P, "提高应对突发公共卫生事件能力"),
    (G, "健全公共卫生应急处置和物资保障体系")],
 "capacity to respond to public-health emergencies"),
(O, "全面实施免费孕前优生健康检查", [
    (P, "提高优生优育服务水平"),
    (N, "加强妇幼、老人、残疾人等重点人群健康服务。倡导优生优育。")],
 "eugenic/healthy-birth services (优生优育)"),
(O, "适龄儿童免疫规划疫苗接种率保持在96%以上", [],
 "district vaccination-coverage target; no such target in the three texts"),
(O, "按规定落实村卫生室基本药物制度专项补助、基本公共卫生服务补助资金", [
    (N, "完善基本公共卫生服务项目补助政策"),
    (P, "完善公共卫生服务项目"),
    (G, "居民医保和基本公共卫生服务经费人均财政补助标准分别再增加30元和5元")],
 "subsidies for basic public-health services"),
(O, "建立完善全民健身服务体系", [
    (P, "完善全民健身公共服务体系"),
    (G, "完善全民健身公共服务体系")],
 "public fitness service system"),
(O, "建设以居家为基础、社区为依托、机构为补充、社会为主体、医养相结合", [
    (P, "构建居家社区机构相协调、医养康养相结合的养老服务体系"),
    (G, "促进医养康养相结合"),
    (G, "发展社区养老、托幼、用餐、保洁等多样化服务")],
 "home-community-institution elderly care combined with medical care"),
# ---- chapter 11: safety and rule of law
(O, "加强国家安全宣传教育,增强全民国家安全意识,巩固国家安全人民防线", [
    (P, "加强国家安全宣传教育，增强全民国家安全意识，巩固国家安全人民防线")],
 "national-security education, identical wording"),
(O, "坚定维护国家政权安全、制度安全、意识形态安全", [
    (P, "坚定维护国家政权安全、制度安全、意识形态安全")],
 "regime, system and ideological security"),
(O, "全面加强网络安全保障体系和能力建设", [
    (P, "全面加强网络安全保障体系和能力建设"),
    (G, "加强网络安全、数据安全和个人信息保护")],
 "cyber-security capacity"),
(O, "严密防范和打击敌对势力渗透、破坏、颠覆、分裂活动", [
    (P, "严密防范和严厉打击敌对势力渗透、破坏、颠覆、分裂活动")],
 "guard against hostile infiltration and subversion"),
(O, "坚决守住不发生区域性系统性金融风险底线", [
    (P, "维护金融安全，守住不发生系统性风险底线"),
    (G, "坚决守住不发生系统性风险的底线")],
 "no systemic financial risk"),
(O, "完善和落实安全生产责任制,深入开展安全生产专项整治,加强安全生产监管执法,有效遏制重特大安全事故", [
    (P, "完善和落实安全生产责任制，加强安全生产监管执法"),
    (G, "完善和落实安全生产责任制，深入开展安全生产专项整治三年行动，坚决遏制重特大事故发生"),
    (N, "加强农村警务、消防、安全生产工作，坚决遏制重特大安全事故")],
 "work-safety responsibility and curbing major accidents"),
(O, "提升防灾减灾抗灾救灾能力", [
    (P, "提高防灾、减灾、抗灾、救灾能力"),
    (G, "提高防灾减灾抗灾救灾能力"),
    (N, "加强农村防灾减灾救灾能力建设")],
 "disaster prevention, mitigation and relief capacity"),
(O, "健全党组织领导的\"四治\"融合城乡基层治理体系", [
    (P, "健全党组织领导的自治、法治、德治相结合的城乡基层治理体系"),
    (G, "完善城乡基层治理。"),
    (N, "坚持自治、法治、德治相结合")],
 "Party-led urban-rural grassroots governance combining self-, law- and virtue-based rule"),
(O, "推动社会治理重心下移,向基层放权赋能,加强城乡社区治理和服务体系建设", [
    (P, "推动社会治理重心向基层下移，向基层放权赋能，加强城乡社区治理和服务体系建设"),
    (G, "健全城乡社区治理和服务体系"),
    (N, "推动乡村治理重心下移")],
 "shift governance to the grassroots; community governance"),
(O, "坚持和发扬新时代\"枫桥经验\"", [
    (P, "坚持和发展新时代“枫桥经验”")],
 "the Fengqiao experience in resolving disputes"),
(O, "健全社会心理服务体系和危机干预", [
    (P, "健全社会心理服务体系和危机干预机制")],
 "social psychological services and crisis intervention"),
(O, "持续推进扫黑除恶专项斗争", [
    (G, "常态化开展扫黑除恶斗争"),
    (N, "深入开展扫黑除恶专项斗争")],
 "campaign against organised crime"),
(O, "加快建设\"雪亮\" 工程", [
    (N, "推进农村“雪亮工程”建设")],
 "'Sharp Eyes' video-surveillance project"),
(O, "坚决防范和打击暴力恐怖、黑恶势力、新型网络犯罪", [
    (P, "坚决防范和打击暴力恐怖、黑恶势力、新型网络犯罪和跨国犯罪")],
 "terrorism, gang crime and new cyber crime"),
(O, "推进全区综合性应急救援队伍建设", [
    (G, "加强应急救援力量建设")],
 "emergency rescue forces"),
(O, "加强公共法律服务机构与队伍建设", [
    (N, "健全农村公共法律服务体系，加强对农民的法律援助和司法救助"),
    (G, "加强法律援助工作")],
 "public legal services and legal aid"),
# ---- chapter 12: implementation
(O, "锲而不舍落实中央八项规定精神,持续纠治形式主义、官僚主义,切实为基层减负", [
    (P, "锲而不舍落实中央八项规定精神，持续纠治形式主义、官僚主义，切实为基层减负"),
    (G, "锲而不舍落实中央八项规定精神"),
    (G, "严格落实中央八项规定精神，持续为基层减负")],
 "eight-point rules; against formalism; reduce grassroots burdens"),
(O, "一体推进不敢腐、不能腐、不想腐", [
    (P, "一体推进不敢腐、不能腐、不想腐")],
 "anti-corruption formula, identical wording"),
(O, "全面贯彻党的宗教工作基本方针", [
    (P, "全面贯彻党的宗教工作基本方针，积极引导宗教与社会主义社会相适应"),
    (G, "全面贯彻党的宗教工作基本方针，坚持我国宗教的中国化方向，积极引导宗教与社会主义社会相适应")],
 "basic policy on religious work"),
(O, "不断提升兵员征集质量,努力打造\"卫滨精兵\"品牌", [],
 "district recruiting brand; local"),
(O, "全面贯彻新时代党的组织路线,落实好干部标准", [
    (P, "全面贯彻新时代党的组织路线，加强干部队伍建设，落实好干部标准")],
 "organisational line and cadre standards"),
(O, "完善人才工作体系,培养造就大批德才兼备的高素质人才", [
    (P, "完善人才工作体系，培养造就大批德才兼备的高素质人才")],
 "talent work system, identical wording"),
(O, "开展全民国防教育", [
    (P, "强化全民国防教育"),
    (G, "强化全民国防教育")],
 "national defence education"),
(O, "健全各级各类规划衔接协调机制", [
    (P, "形成定位准确、边界清晰、功能互补、统一衔接的国家规划体系"),
    (N, "加强各类规划的统筹管理和系统衔接")],
 "coordination among plans of all levels and kinds"),
# ---- from the other documents toward the outline or each other
(P, "因地制宜推进农村改厕、生活垃圾处理和污水治理", [
    (O, "抓好人居环境整治,推进厕所革命"),
    (O, "实现全区农村生活污水全部收集处理"),
    (O, "确保实现全区农村生活垃圾全部收集处理"),
    (N, "坚持不懈推进农村“厕所革命”"),
    (N, "以农村垃圾、污水治理和村容村貌提升为主攻方向"),
    (G, "启动农村人居环境整治提升五年行动")],
 "rural toilets, waste and sewage: the three parts of rural environment improvement"),
(G, "启动农村人居环境整治提升五年行动", [
    (O, "持续推进农村人居环境整治"),
    (O, "抓好人居环境整治,推进厕所革命"),
    (N, "实施农村人居环境整治三年行动计划"),
    (P, "改善农村人居环境")],
 "rural living-environment improvement campaign"),
(N, "实施农村饮水安全巩固提升工程", [
    (O, "实施农村饮水安全工程提升改造"),
    (P, "完善乡村水、电、路、气、通信、广播电视、物流等基础设施")],
 "rural drinking-water safety upgrade"),
(P, "加强城镇老旧小区改造和社区建设", [
    (O, "持续推进老城区和老旧小区改造"),
    (O, "高标准实施老旧小区和城中村改造"),
    (O, "符合改造条件的 194 个老旧小区全部改造到位"),
    (G, "新开工改造城镇老旧小区5.3万个"),
    (G, "加大城镇老旧小区改造力度")],
 "old residential compound renovation"),
(G, "增加停车场、充电桩、换电站等设施", [
    (O, "推进公共机构、企业、园区停车位(场)专用充电站、桩以及居民区自用充电桩建设"),
    (O, "积极发展立体智慧停车场"),
    (O, "谋划实施一批地下停车场、立体停车场项目")],
 "parking facilities and EV charging piles"),
(N, "全面推行河长制、湖长制", [
    (O, "严格落实河长制,持续推进\"四水同治\""),
    (P, "强化河湖长制，加强大江大河和重要湖泊湿地生态保护治理")],
 "river- and lake-chief system"),
(G, "严守18亿亩耕地红线", [
    (O, "严格保护耕地和永久基本农田"),
    (N, "全面落实永久基本农田特殊保护制度"),
    (N, "严守耕地红线，确保国家粮食安全"),
    (P, "坚持最严格的耕地保护制度")],
 "farmland red line / strict farmland protection"),
(N, "推进农村“雪亮工程”建设", [
    (O, "加快建设\"雪亮\" 工程")],
 "'Sharp Eyes' surveillance project"),
(N, "实施休闲农业和乡村旅游精品工程", [
    (O, "加快农文旅融合发展"),
    (O, "打造集民俗工艺展示、餐饮娱乐休闲、农产品购物消费于一体的民俗特色乡村游"),
    (P, "发展红色旅游和乡村旅游")],
 "leisure agriculture and rural tourism"),
(G, "落实长江十年禁渔", [
    (P, "实施好长江十年禁渔")],
 "ten-year Yangtze fishing ban (no counterpart in the district outline)"),
(G, "制定2030年前碳排放达峰行动方案", [
    (P, "制定二〇三〇年前碳排放达峰行动方案")],
 "action plan for peaking carbon emissions before 2030 (the outline has none)"),
(G, "构建以国家公园为主体的自然保护地体系", [
    (P, "构建以国家公园为主体的自然保护地体系")],
 "protected-area system centred on national parks (the outline has none)"),
(G, "加强山水林田湖草系统治理", [
    (P, "坚持山水林田湖草系统治理"),
    (N, "统筹山水林田湖草系统治理")],
 "integrated governance of mountains, waters, forests, farmland, lakes and grassland"),
(P, "提高农民科技文化素质，推动乡村人才振兴", [
    (N, "全面建立职业农民制度，完善配套政策体系"),
    (N, "实施新型职业农民培育工程")],
 "rural talent: raising farmers' skills / professional farmers (the outline has none)"),
(G, "将小规模纳税人增值税起征点从月销售额10万元提高到15万元", [],
 "a national tax measure; nothing in the outline, the proposal or the 2018 No.1 document"),
(N, "高标准建设国家南繁育种基地", [],
 "national Hainan seed-breeding base; not in the other three texts"),
(P, "加快军兵种和武警部队转型建设", [],
 "military reform item; not in the other three texts"),
(N, "实施数字乡村战略", [],
 "digital-village strategy; not stated in the outline, the proposal or the 2021 report"),
]
