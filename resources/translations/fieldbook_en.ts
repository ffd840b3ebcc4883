<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name></name>
    <message>
        <location filename="../../desktop/ui/first_start.py" line="+184"/>
        <source>Fieldbook 首次启动</source>
        <translation>Fieldbook first start</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>本机还没有数据库。请选择:</source>
        <translation>This laptop has no database yet. Please choose:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>演示(练习用的演示县)</source>
        <translation>Demo (the practice county)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>登记本机(用县里发的登记码)</source>
        <translation>Enroll this laptop (with the county&apos;s enrollment code)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>用扫描枪扫描登记二维码, 或粘贴县里发的登记码 FBE1:…</source>
        <translation>Scan the enrollment QR code, or paste the enrollment code from the county (FBE1:…)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>登记码:</source>
        <translation>Enrollment code:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>您的姓名:</source>
        <translation>Your name:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>设置 PIN 码:</source>
        <translation>Choose a PIN:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>再输入一次:</source>
        <translation>PIN again:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>登记</source>
        <translation>Enroll</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>没有登记: {0}</source>
        <translation>Not enrolled: {0}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>请先扫描或粘贴登记码</source>
        <translation>Please scan or paste the enrollment code first</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>请输入您的姓名</source>
        <translation>Please enter your name</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>两次输入的 PIN 码不一致</source>
        <translation>The two PINs differ</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>正在新建加密数据库并登记…</source>
        <translation>Creating the encrypted database and enrolling…</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>登记本机</source>
        <translation>Enroll this laptop</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>正在下载负责的村…</source>
        <translation>Downloading your villages…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>下载没有完成:已下载的部分已保存,下次启动时接着下载。</source>
        <translation>The download did not finish: what was downloaded is kept, and it continues at the next start.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>下载没有完成</source>
        <translation>Download not finished</translation>
    </message>
</context>
<context>
    <name>AssistanceTab</name>
    <message>
        <location filename="../../desktop/ui/form_tabs.py" line="+399"/>
        <source>年度</source>
        <translation>Year</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>帮扶类别</source>
        <translation>Assistance category</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>帮扶项目</source>
        <translation>Assistance item</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>受益成员</source>
        <translation>Beneficiary</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>金额(元)</source>
        <translation>Amount (yuan)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>已享受</source>
        <translation>Received</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>行业部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>说明</source>
        <translation>Description</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>添加帮扶措施</source>
        <translation>Add measure</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>年度:</source>
        <translation>Year:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>帮扶措施</source>
        <translation>Assistance measures</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>帮扶责任人</source>
        <translation>Assistance person</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>帮扶措施({0}年以来逐年核实,导引第3、10、14问)</source>
        <translation>Assistance measures (since {0}, verified year by year, guide Q3, Q10, Q14)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>未填姓名</source>
        <translation>(no name)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>全部年度</source>
        <translation>All years</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0}年</source>
        <translation>{0}</translation>
    </message>
</context>
<context>
    <name>BookModel</name>
    <message>
        <location filename="../../desktop/ui/form_models.py" line="+455"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>操作人</source>
        <translation>By</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>对象</source>
        <translation>Record</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>项目</source>
        <translation>Field</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>原值</source>
        <translation>Old value</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>新值</source>
        <translation>New value</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>(整户)</source>
        <translation>(whole household)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>删除</source>
        <translation>Deleted</translation>
    </message>
</context>
<context>
    <name>BookTab</name>
    <message>
        <location filename="../../desktop/ui/form_tabs.py" line="+286"/>
        <source>户簿共 {0} 条记录(最新的在前,只读)</source>
        <translation>The household book has {0} entries (newest first, read-only)</translation>
    </message>
</context>
<context>
    <name>Codes</name>
    <message>
        <location filename="../../desktop/ui/code_labels.py" line="+48"/>
        <source>产业扶贫</source>
        <translation>Industry</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>就业扶贫</source>
        <translation>Employment</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>易地扶贫搬迁</source>
        <translation>Relocation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>公益岗位</source>
        <translation>Public-welfare job</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>教育扶贫</source>
        <translation>Education</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>健康扶贫</source>
        <translation>Health</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>危房改造</source>
        <translation>Dilapidated housing renovation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>金融扶贫</source>
        <translation>Finance</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>生活条件改善</source>
        <translation>Living conditions</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>综合保障</source>
        <translation>Social safety net</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>生态扶贫</source>
        <translation>Ecology</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>一般贫困户</source>
        <translation>Ordinary poor household</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>低保贫困户</source>
        <translation>Minimum-living-allowance poor household</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>特困供养贫困户</source>
        <translation>Special-support poor household</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>视力残疾</source>
        <translation>Visual</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>听力残疾</source>
        <translation>Hearing</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>言语残疾</source>
        <translation>Speech</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>肢体残疾</source>
        <translation>Physical</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>智力残疾</source>
        <translation>Intellectual</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>精神残疾</source>
        <translation>Mental</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>多重残疾</source>
        <translation>Multiple</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>文盲或半文盲</source>
        <translation>Illiterate or semi-literate</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>小学</source>
        <translation>Primary school</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>初中</source>
        <translation>Junior secondary</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>高中</source>
        <translation>Senior secondary</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>大专及以上</source>
        <translation>College or above</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>学龄前儿童</source>
        <translation>Pre-school child</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>汉族</source>
        <translation>Han</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>蒙古族</source>
        <translation>Mongol</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>回族</source>
        <translation>Hui</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>藏族</source>
        <translation>Tibetan</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>维吾尔族</source>
        <translation>Uyghur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>苗族</source>
        <translation>Miao</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>彝族</source>
        <translation>Yi</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>壮族</source>
        <translation>Zhuang</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>布依族</source>
        <translation>Buyei</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>朝鲜族</source>
        <translation>Korean</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>满族</source>
        <translation>Manchu</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>侗族</source>
        <translation>Dong</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>瑶族</source>
        <translation>Yao</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>白族</source>
        <translation>Bai</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>土家族</source>
        <translation>Tujia</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>哈尼族</source>
        <translation>Hani</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>哈萨克族</source>
        <translation>Kazakh</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>傣族</source>
        <translation>Dai</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>黎族</source>
        <translation>Li</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>傈僳族</source>
        <translation>Lisu</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>佤族</source>
        <translation>Va</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>畲族</source>
        <translation>She</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>高山族</source>
        <translation>Gaoshan</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>拉祜族</source>
        <translation>Lahu</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>水族</source>
        <translation>Sui</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>东乡族</source>
        <translation>Dongxiang</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>纳西族</source>
        <translation>Naxi</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>景颇族</source>
        <translation>Jingpo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>柯尔克孜族</source>
        <translation>Kyrgyz</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>土族</source>
        <translation>Tu</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>达斡尔族</source>
        <translation>Daur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>仫佬族</source>
        <translation>Mulao</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>羌族</source>
        <translation>Qiang</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>布朗族</source>
        <translation>Blang</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>撒拉族</source>
        <translation>Salar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>毛南族</source>
        <translation>Maonan</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>仡佬族</source>
        <translation>Gelao</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>锡伯族</source>
        <translation>Xibe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>阿昌族</source>
        <translation>Achang</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>普米族</source>
        <translation>Pumi</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>塔吉克族</source>
        <translation>Tajik</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>怒族</source>
        <translation>Nu</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>乌孜别克族</source>
        <translation>Uzbek</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>俄罗斯族</source>
        <translation>Russian</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>鄂温克族</source>
        <translation>Evenki</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>德昂族</source>
        <translation>De&apos;ang</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>保安族</source>
        <translation>Bonan</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>裕固族</source>
        <translation>Yugur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>京族</source>
        <translation>Gin</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>塔塔尔族</source>
        <translation>Tatar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>独龙族</source>
        <translation>Derung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>鄂伦春族</source>
        <translation>Oroqen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>赫哲族</source>
        <translation>Hezhen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>门巴族</source>
        <translation>Monpa</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>珞巴族</source>
        <translation>Lhoba</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>基诺族</source>
        <translation>Jino</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>柴草</source>
        <translation>Firewood and straw</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>干畜粪</source>
        <translation>Dried dung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>煤炭</source>
        <translation>Coal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>清洁能源</source>
        <translation>Clean energy</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>健康</source>
        <translation>Healthy</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>长期慢性病</source>
        <translation>Chronic illness</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>患有大病</source>
        <translation>Serious illness</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>残疾</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A级</source>
        <translation>Grade A</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>B级</source>
        <translation>Grade B</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C级</source>
        <translation>Grade C</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>D级</source>
        <translation>Grade D</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>身份证</source>
        <translation>Resident ID card</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>残疾人证</source>
        <translation>Disability certificate</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>国家标准</source>
        <translation>National standard</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>省定标准</source>
        <translation>Provincial standard</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>市定标准</source>
        <translation>City standard</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本地务工收入</source>
        <translation>Local wages</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>外出务工收入</source>
        <translation>Migrant wages</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>公益岗位收入</source>
        <translation>Public-welfare job pay</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>种植业</source>
        <translation>Crops</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>养殖业</source>
        <translation>Livestock</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>林果业</source>
        <translation>Forestry and fruit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>其他生产经营</source>
        <translation>Other business</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>资产收益扶贫分红</source>
        <translation>Asset-income dividends</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>土地流转收入</source>
        <translation>Land transfer income</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>其他财产性收入</source>
        <translation>Other property income</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>计划生育金</source>
        <translation>Family-planning allowance</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>低保金</source>
        <translation>Minimum living allowance</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>特困供养金</source>
        <translation>Special-support allowance</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>养老保险金</source>
        <translation>Pension</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>生态补偿金</source>
        <translation>Ecological compensation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>其他转移性收入</source>
        <translation>Other transfers</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>种植业支出</source>
        <translation>Crop costs</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>养殖业支出</source>
        <translation>Livestock costs</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>其他生产经营支出</source>
        <translation>Other business costs</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>普通劳动力</source>
        <translation>Ordinary labour</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>技能劳动力</source>
        <translation>Skilled labour</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>丧失劳动力</source>
        <translation>Unable to work</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>无劳动力</source>
        <translation>No labour</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>弱劳动力或半劳动力</source>
        <translation>Weak or half labour</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>死亡</source>
        <translation>Death</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>嫁出</source>
        <translation>Married out</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>出国定居</source>
        <translation>Settled abroad</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>判刑收监</source>
        <translation>Imprisoned</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>嫁入</source>
        <translation>Married in</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>新生儿</source>
        <translation>Newborn</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>其他转入</source>
        <translation>Other move-in</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>其他转出</source>
        <translation>Other move-out</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>新识别</source>
        <translation>Identify</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>返贫</source>
        <translation>Return to poverty</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>脱贫</source>
        <translation>Exit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>自然增加</source>
        <translation>Natural increase</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>自然减少</source>
        <translation>Natural decrease</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>标记边缘户</source>
        <translation>Mark marginal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>标记脱贫监测户</source>
        <translation>Mark monitored</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>解除监测</source>
        <translation>End monitoring</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>中共党员</source>
        <translation>CPC member</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>中共预备党员</source>
        <translation>CPC probationary member</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>共青团员</source>
        <translation>Communist Youth League member</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>民革党员</source>
        <translation>RCCK member</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>民盟盟员</source>
        <translation>CDL member</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>民建会员</source>
        <translation>CNDCA member</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>民进会员</source>
        <translation>CAPD member</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>农工党党员</source>
        <translation>CPWDP member</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>致公党党员</source>
        <translation>CZGP member</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>九三学社社员</source>
        <translation>Jiusan Society member</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>台盟盟员</source>
        <translation>TDSGL member</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>无党派民主人士</source>
        <translation>Non-party democrat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>群众</source>
        <translation>Ordinary citizen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>因病</source>
        <translation>Illness</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>因残</source>
        <translation>Disability</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>因学</source>
        <translation>Schooling costs</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>因灾</source>
        <translation>Disaster</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>缺土地</source>
        <translation>Lack of land</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>缺水</source>
        <translation>Lack of water</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>缺技术</source>
        <translation>Lack of skills</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>缺劳动力</source>
        <translation>Lack of labour</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>缺资金</source>
        <translation>Lack of funds</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>交通条件落后</source>
        <translation>Poor transport</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>自身发展动力不足</source>
        <translation>Lack of drive</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>因婚</source>
        <translation>Marriage</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>民主评议</source>
        <translation>Democratic appraisal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>第一次公示</source>
        <translation>First notice</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>比对</source>
        <translation>Cross-check</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>第二次评议</source>
        <translation>Second appraisal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>第二次公示</source>
        <translation>Second notice</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>公告</source>
        <translation>Announcement</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>户主</source>
        <translation>Head</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>配偶</source>
        <translation>Spouse</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之子</source>
        <translation>Son</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之女</source>
        <translation>Daughter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之儿媳</source>
        <translation>Daughter-in-law</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之女婿</source>
        <translation>Son-in-law</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之孙子</source>
        <translation>Grandson</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之孙女</source>
        <translation>Granddaughter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之外孙子</source>
        <translation>Daughter&apos;s son</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之外孙女</source>
        <translation>Daughter&apos;s daughter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之父</source>
        <translation>Father</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之母</source>
        <translation>Mother</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之岳父</source>
        <translation>Wife&apos;s father</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之岳母</source>
        <translation>Wife&apos;s mother</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之公公</source>
        <translation>Husband&apos;s father</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之婆婆</source>
        <translation>Husband&apos;s mother</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之祖父</source>
        <translation>Grandfather</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之祖母</source>
        <translation>Grandmother</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之外祖父</source>
        <translation>Mother&apos;s father</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之外祖母</source>
        <translation>Mother&apos;s mother</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>行政区(村)整体搬迁</source>
        <translation>Whole administrative village</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>自然村(村民小组)整体搬迁</source>
        <translation>Whole hamlet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>建档立卡贫困户个别搬迁</source>
        <translation>Individual registered household</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>集中安置</source>
        <translation>Concentrated</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>分散安置</source>
        <translation>Dispersed</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>县城</source>
        <translation>County town</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>乡镇</source>
        <translation>Township</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>县外</source>
        <translation>Outside the county</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>村外</source>
        <translation>Outside the village</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>村内</source>
        <translation>Within the village</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>产业扶贫失败</source>
        <translation>Failed industry project</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>村两委</source>
        <translation>Village committees</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>驻村工作队</source>
        <translation>Village work team</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>县级</source>
        <translation>County</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>产业项目失败</source>
        <translation>Failed industry project</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>务工就业不稳定</source>
        <translation>Unstable employment</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>泥土路</source>
        <translation>Dirt road</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>砂石路</source>
        <translation>Gravel road</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>水泥路</source>
        <translation>Concrete road</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>沥青路</source>
        <translation>Asphalt road</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>非在校生</source>
        <translation>Not in school</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>学前教育</source>
        <translation>Pre-school</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>七年级</source>
        <translation>Grade 7</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>八年级</source>
        <translation>Grade 8</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>九年级</source>
        <translation>Grade 9</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>高中一年级</source>
        <translation>Senior 1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>高中二年级</source>
        <translation>Senior 2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>高中三年级</source>
        <translation>Senior 3</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>中职一年级</source>
        <translation>Vocational secondary 1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>中职二年级</source>
        <translation>Vocational secondary 2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>中职三年级</source>
        <translation>Vocational secondary 3</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>高职一年级</source>
        <translation>Vocational college 1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>高职二年级</source>
        <translation>Vocational college 2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>高职三年级</source>
        <translation>Vocational college 3</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>男</source>
        <translation>Male</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>女</source>
        <translation>Female</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>分散供养</source>
        <translation>Dispersed support</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>集中供养</source>
        <translation>Centralised support</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>贫困户(未脱贫)</source>
        <translation>Poor (not exited)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>已脱贫(享受政策)</source>
        <translation>Exited (with policy support)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>已脱贫(不享受政策)</source>
        <translation>Exited (no policy support)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>一般农户</source>
        <translation>Ordinary household</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>中央</source>
        <translation>Central</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>省</source>
        <translation>Province</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>市</source>
        <translation>City</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>县</source>
        <translation>County</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>部队</source>
        <translation>Army</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>乡(镇)内</source>
        <translation>Within the township</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>乡(镇)外县内</source>
        <translation>Elsewhere in the county</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>县外省内</source>
        <translation>Elsewhere in the province</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>省外</source>
        <translation>Outside the province</translation>
    </message>
</context>
<context>
    <name>ConflictsWindow</name>
    <message>
        <location filename="../../desktop/ui/conflicts.py" line="+144"/>
        <source>冲突裁决</source>
        <translation>Conflicts</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>全部村</source>
        <translation>All villages</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>村:</source>
        <translation>Village:</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>填写其他值:</source>
        <translation>Another value:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>例如 13712345678; 代码填代码, 是/否填 是 或 否</source>
        <translation>e.g. 13712345678; codes as codes, yes/no as true or false</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+4"/>
        <source>裁决</source>
        <translation>Decide</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>正在读取…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+70"/>
        <source>待裁决: {0} 条</source>
        <translation>To decide: {0}</translation>
    </message>
    <message>
        <location line="-60"/>
        <source>无法读取冲突清单: {0}</source>
        <translation>Cannot read the conflicts: {0}</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>保留服务器值</source>
        <translation>Keep the server&apos;s value</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>采用提交值</source>
        <translation>Take the submitted value</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>保留服务器值: {0} ({1})</source>
        <translation>Keep the server&apos;s value: {0} ({1})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>采用提交值: {0} ({1})</source>
        <translation>Take the submitted value: {0} ({1})</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>{0}: {1}</source>
        <translation>{0}: {1}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>正在裁决…</source>
        <translation>Deciding…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>已裁决: {0} {1} = {2}</source>
        <translation>Decided: {0} {1} = {2}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>没有裁决: {0}</source>
        <translation>Not decided: {0}</translation>
    </message>
</context>
<context>
    <name>DivisionTreeModel</name>
    <message>
        <location filename="../../desktop/ui/division_tree.py" line="+45"/>
        <source>行政区划</source>
        <translation>Divisions</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>读取行政区划失败:{0}</source>
        <translation>Could not read the divisions: {0}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{0}({1}户)</source>
        <translation>{0} ({1} households)</translation>
    </message>
</context>
<context>
    <name>DraftsDialog</name>
    <message>
        <location filename="../../desktop/ui/drafts_dialog.py" line="+49"/>
        <source>我的草稿</source>
        <translation>My drafts</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>正在读取…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>打开并接着填</source>
        <translation>Open and go on</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>读取草稿失败:{0}</source>
        <translation>Could not read the drafts: {0}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>新建农户</source>
        <translation>New household</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0}(草稿,{1} 存,未保存、未同步)</source>
        <translation>{0} (draft kept {1}; not saved, not synced)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>您有 {0} 份草稿:只在本机,还没有保存进户簿,也不会同步。打开后填完再保存。</source>
        <translation>You have {0} drafts: on this laptop only, not in the household book and not synced. Open one, finish it, then save.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>没有草稿:所有表单都已保存。</source>
        <translation>No drafts: every form is saved.</translation>
    </message>
</context>
<context>
    <name>EnrollDialog</name>
    <message>
        <location filename="../../desktop/ui/enroll_dialog.py" line="+69"/>
        <source>登记本机</source>
        <translation>Enroll this laptop</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>用扫描枪扫描登记二维码, 或粘贴县里发的登记码 FBE1:…</source>
        <translation>Scan the enrollment QR code, or paste the enrollment code from the county (FBE1:…)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>服务器使用县里自己的证书时才需要</source>
        <translation>Needed only when the server uses the county&apos;s own certificate</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>登记码:</source>
        <translation>Enrollment code:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>根证书文件:</source>
        <translation>Root certificate file:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>登记</source>
        <translation>Enroll</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>本机尚未登记。</source>
        <translation>This laptop is not enrolled yet.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>本机已登记为 {0} ({1})。再次登记会换成新的设备身份。</source>
        <translation>This laptop is enrolled as {0} ({1}). Enrolling again gives it a new device identity.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>选择县里的根证书</source>
        <translation>Choose the county&apos;s root certificate</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>证书 (*.pem *.crt *.cer);;所有文件 (*)</source>
        <translation>Certificates (*.pem *.crt *.cer);;All files (*)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>请先扫描或粘贴登记码</source>
        <translation>Please scan or paste the enrollment code first</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>正在登记…</source>
        <translation>Enrolling…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>没有登记: {0}</source>
        <translation>Not enrolled: {0}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>已登记为 {0}</source>
        <translation>Enrolled as {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>服务器: {0}</source>
        <translation>Server: {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>负责的村: {0}</source>
        <translation>Villages: {0}</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>注意: 户卡密钥已换成县里的密钥, 本机以前打印的户卡需要重新打印。</source>
        <translation>Note: the household card key is now the county&apos;s; cards printed on this laptop before must be printed again.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>完成</source>
        <translation>Done</translation>
    </message>
</context>
<context>
    <name>FirstUserDialog</name>
    <message>
        <location filename="../../desktop/ui/signin.py" line="+414"/>
        <source>创建管理员账号 - Fieldbook</source>
        <translation>Create the administrator - Fieldbook</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>这个数据库还没有任何用户。请创建第一个账号,它的角色是{0},之后可以由它添加其他用户。</source>
        <translation>This database has no users yet. Create the first account; its role is {0}, and it can add the other users afterwards.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>姓名:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PIN 码(4–12 位数字):</source>
        <translation>PIN (4–12 digits):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>再输一次 PIN 码:</source>
        <translation>PIN again:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>创建并登录</source>
        <translation>Create and sign in</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>请输入姓名</source>
        <translation>Please enter a name</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>PIN 码应为 4 到 12 位数字</source>
        <translation>The PIN must be 4 to 12 digits</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>两次输入的 PIN 码不一致,请重新输入</source>
        <translation>The two PINs differ; please type it again</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>无法创建用户:{0}</source>
        <translation>Could not create the user: {0}</translation>
    </message>
</context>
<context>
    <name>FormFields</name>
    <message>
        <location filename="../../desktop/ui/form_fields.py" line="+60"/>
        <source>户编号</source>
        <translation>Household no.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>行政村</source>
        <translation>Village</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>自然村(组)</source>
        <translation>Hamlet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>家庭住址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+128"/>
        <location line="+60"/>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location line="-187"/>
        <source>11位手机号码</source>
        <translation>11-digit mobile number</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>脱贫状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>贫困户属性</source>
        <translation>Household attribute</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>特困供养方式</source>
        <translation>Special-support mode</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>识别标准</source>
        <translation>Identification standard</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>主要致贫原因</source>
        <translation>Main cause of poverty</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>其他致贫原因</source>
        <translation>Other causes of poverty</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>返贫原因</source>
        <translation>Causes of return to poverty</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>是否军烈属</source>
        <translation>Military or martyr family</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>是否独生子女户</source>
        <translation>Only-child family</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>是否双女户</source>
        <translation>Two-daughter family</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>首次识别年度</source>
        <translation>Year first identified</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>脱贫年度</source>
        <translation>Year of exit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>返贫年度</source>
        <translation>Year of return</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>边缘户</source>
        <translation>Marginal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>脱贫监测户</source>
        <translation>Monitored (exited)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>开户银行</source>
        <translation>Bank</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>银行卡号</source>
        <translation>Bank card number</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>是否加入农民专业合作社</source>
        <translation>Member of a farmers&apos; cooperative</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>是否有龙头企业带动</source>
        <translation>Supported by a leading enterprise</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>是否有创业致富带头人带动</source>
        <translation>Supported by a local business leader</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>最近入户日期</source>
        <translation>Last home visit</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+160"/>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location line="-159"/>
        <source>家庭成员</source>
        <translation>Members</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../desktop/ui/form_models.py" line="-88"/>
        <source>家庭人口数</source>
        <translation>Household size</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>耕地面积(亩)</source>
        <translation>Cultivated land (mu)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>有效灌溉面积(亩)</source>
        <translation>Irrigated land (mu)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>林地面积(亩)</source>
        <translation>Forest land (mu)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>退耕还林面积(亩)</source>
        <translation>Farmland returned to forest (mu)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>林果面积(亩)</source>
        <translation>Orchards (mu)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>牧草地面积(亩)</source>
        <translation>Pasture (mu)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>水面面积(亩)</source>
        <translation>Water surface (mu)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>是否通生产用电</source>
        <translation>Power for production</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>是否通生活用电</source>
        <translation>Power for the home</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>是否通广播电视</source>
        <translation>Radio and television</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>与村主干路距离(公里)</source>
        <translation>Distance to the village road (km)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>入户路类型</source>
        <translation>Type of access road</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>住房面积(平方米)</source>
        <translation>Housing area (m²)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>是否危房户</source>
        <translation>Dangerous house</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>危房等级</source>
        <translation>Danger grade of the house</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>有无卫生厕所</source>
        <translation>Sanitary toilet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>主要燃料类型</source>
        <translation>Main fuel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>是否有搬迁意愿</source>
        <translation>Wishes to relocate</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>搬迁方式</source>
        <translation>Relocation mode</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>安置方式</source>
        <translation>Resettlement method</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>安置地</source>
        <translation>Resettlement place</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>不愁吃</source>
        <translation>Enough food</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>不愁穿</source>
        <translation>Enough clothing</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>义务教育有保障</source>
        <translation>Compulsory education assured</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>基本医疗有保障</source>
        <translation>Basic medical care assured</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>住房安全有保障</source>
        <translation>Safe housing assured</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>饮水安全有保障</source>
        <translation>Safe drinking water assured</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>饮水是否困难</source>
        <translation>Difficulty getting drinking water</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>饮水是否安全</source>
        <translation>Drinking water safe</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>纬度</source>
        <translation>Latitude</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>经度</source>
        <translation>Longitude</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>位置来源</source>
        <translation>Location source</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>定位精度(米)</source>
        <translation>Accuracy (m)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>定位时间</source>
        <translation>Fix time</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../desktop/ui/form_models.py" line="+4"/>
        <source>整户长期外出</source>
        <translation>Whole household away</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>位置说明</source>
        <translation>Location note</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>联系方式</source>
        <translation>Contact</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>与户主关系</source>
        <translation>Relation to head</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>证件类型</source>
        <translation>ID type</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>18位身份证号码,残疾人可填20位残疾人证号</source>
        <translation>18-digit ID card number; a person with a disability may give the 20-digit disability certificate number</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+70"/>
        <source>性别</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location line="-69"/>
        <source>出生日期</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>残疾人证号</source>
        <translation>Disability certificate no.</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>20位</source>
        <translation>20 digits</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>民族</source>
        <translation>Ethnic group</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+65"/>
        <source>政治面貌</source>
        <translation>Political status</translation>
    </message>
    <message>
        <location line="-63"/>
        <source>文化程度</source>
        <translation>Education</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>在校生状况</source>
        <translation>School status</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>失学或辍学原因</source>
        <translation>Reason for leaving school</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>健康状况</source>
        <translation>Health</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>劳动技能</source>
        <translation>Labour skills</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>务工时间(月)</source>
        <translation>Months of work away</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>务工所在地</source>
        <translation>Place of work</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>务工企业名称</source>
        <translation>Employer</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>是否现役军人</source>
        <translation>Serving in the armed forces</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>是否会讲普通话</source>
        <translation>Speaks Mandarin</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>参加城乡居民基本医疗保险</source>
        <translation>Basic medical insurance</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>参加大病保险</source>
        <translation>Serious-illness insurance</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>参加城乡居民基本养老保险</source>
        <translation>Basic pension insurance</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>享受人身意外保险补贴</source>
        <translation>Accident insurance subsidy</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>参加商业补充医疗保险</source>
        <translation>Commercial supplementary medical insurance</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>享受低保</source>
        <translation>Minimum living allowance</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>特困供养人员</source>
        <translation>Special-support person</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>接受医疗救助</source>
        <translation>Receives medical assistance</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>增加原因</source>
        <translation>Reason for joining</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>增加日期</source>
        <translation>Date joined</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>减少原因</source>
        <translation>Reason for leaving</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>减少日期</source>
        <translation>Date left</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>收入年度</source>
        <translation>Income year</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>收入计算周期起</source>
        <translation>Income period from</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>收入计算周期止</source>
        <translation>Income period to</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>工资性收入(元)</source>
        <translation>Wages (yuan)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>生产经营性收入(元)</source>
        <translation>Business income (yuan)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>财产性收入(元)</source>
        <translation>Property income (yuan)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>转移性收入(元)</source>
        <translation>Transfer income (yuan)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>生产经营性支出(元)</source>
        <translation>Production costs (yuan)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>收入项</source>
        <translation>Income component</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>明细</source>
        <translation>Item</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+8"/>
        <source>金额(元)</source>
        <translation>Amount (yuan)</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>年度</source>
        <translation>Year</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>帮扶类别</source>
        <translation>Assistance category</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>帮扶项目</source>
        <translation>Assistance item</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+35"/>
        <source>说明</source>
        <translation>Description</translation>
    </message>
    <message>
        <location line="-33"/>
        <source>行业部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>已享受</source>
        <translation>Received</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>受益成员</source>
        <translation>Beneficiary</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>帮扶责任人姓名</source>
        <translation>Assistance person&apos;s name</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>帮扶单位</source>
        <translation>Assisting unit</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>单位隶属关系</source>
        <translation>Unit level</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>职务</source>
        <translation>Position</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>帮扶开始日期</source>
        <translation>Assistance from</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>帮扶结束日期</source>
        <translation>Assistance until</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>类别</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>风险类型</source>
        <translation>Risk type</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>识别日期</source>
        <translation>Date identified</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>认定主体</source>
        <translation>Decided by</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>认定日期</source>
        <translation>Date decided</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>风险已消除</source>
        <translation>Risk eliminated</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>消除日期</source>
        <translation>Date eliminated</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>消除方式</source>
        <translation>How eliminated</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+31"/>
        <source>成员</source>
        <translation>Member</translation>
    </message>
    <message>
        <location line="-30"/>
        <source>增减</source>
        <translation>Joined or left</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>变更原因</source>
        <translation>Reason for the change</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>变更日期</source>
        <translation>Date of the change</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>办理事项</source>
        <translation>Operation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>程序步骤</source>
        <translation>Procedure step</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>开始日期</source>
        <translation>Start date</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>结束日期</source>
        <translation>End date</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>结果</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>记录人</source>
        <translation>Recorded by</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>户</source>
        <translation>Household</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>收入</source>
        <translation>Income</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>收入明细</source>
        <translation>Income item</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>帮扶措施</source>
        <translation>Assistance measure</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>帮扶责任人</source>
        <translation>Assistance person</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>风险</source>
        <translation>Risk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>自然变更</source>
        <translation>Natural change</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>程序</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>工资性收入</source>
        <translation>Wages</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>生产经营性收入</source>
        <translation>Business income</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>财产性收入</source>
        <translation>Property income</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>转移性收入</source>
        <translation>Transfer income</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>生产经营性支出</source>
        <translation>Production costs</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>边缘户致贫风险</source>
        <translation>Marginal: risk of poverty</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>监测户返贫风险</source>
        <translation>Monitored: risk of return to poverty</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>自然增加</source>
        <translation>Member joins</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>自然减少</source>
        <translation>Member leaves</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>GPS定位</source>
        <translation>GPS fix</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>手工录入坐标</source>
        <translation>Typed coordinates</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>原住址(整户外出)</source>
        <translation>Original address (household away)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>村委会位置(整户外出)</source>
        <translation>Village committee (household away)</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>必填:建档立卡户定稿前要填写</source>
        <translation>Required: a registered household is finalised only when these are filled</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>否</source>
        <translation>No</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>— 未填 —</source>
        <translation>— not filled —</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>如 2019-11-30</source>
        <translation>e.g. 2019-11-30</translation>
    </message>
    <message>
        <location line="+291"/>
        <source>必填</source>
        <translation>Required</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/form_models.py" line="-7"/>
        <location line="+1"/>
        <source>人均纯收入(元)</source>
        <translation>Per-capita net income (yuan)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>户卡版次</source>
        <translation>Card issue</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>户主姓名</source>
        <translation>Head&apos;s name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>最近走访日期</source>
        <translation>Last visit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>村委会位置来源</source>
        <translation>Village committee location source</translation>
    </message>
</context>
<context>
    <name>GpsWorker</name>
    <message>
        <location filename="../../desktop/ui/location_capture.py" line="+148"/>
        <source>记录回放完毕</source>
        <translation>Recording replayed to the end</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>接收机没有输出数据: 请检查端口、数据线和波特率</source>
        <translation>The receiver sends no data: check the port, the cable and the baud rate</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>收到的不是 NMEA 语句: 请换一个波特率试试</source>
        <translation>What arrives is not NMEA: try another baud rate</translation>
    </message>
</context>
<context>
    <name>HouseholdDetailDialog</name>
    <message>
        <location filename="../../desktop/ui/household_detail.py" line="+55"/>
        <source>农户信息 {0} {1}</source>
        <translation>Household {0} {1}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>户编号</source>
        <translation>Household no.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>户主</source>
        <translation>Head</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>(无户主)</source>
        <translation>(no head)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>所在村组</source>
        <translation>Village and hamlet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>家庭住址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>脱贫状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>家庭人口</source>
        <translation>Household size</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>{0} 人</source>
        <translation>{0} persons</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>人均纯收入</source>
        <translation>Net income per person</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>未填报</source>
        <translation>Not reported</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>标识</source>
        <translation>Flags</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>家庭成员({0} 人)</source>
        <translation>Members ({0})</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>审核退回({0}):{1}
请按意见修改后保存,下次同步时报给审核人。</source>
        <translation>Returned by the reviewer ({0}): {1}
Please change it as asked and save; the reviewer gets it at the next sync.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>审核通过({0})</source>
        <translation>Accepted by the reviewer ({0})</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>审核{0}({1}),此后已修改,待重新审核</source>
        <translation>Reviewed: {0} ({1}); changed since, waiting for a new review</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>边缘户</source>
        <translation>Marginal</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>脱贫监测户</source>
        <translation>Monitored (exited)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>整户长期外出</source>
        <translation>Whole household away</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>与户主关系</source>
        <translation>Relation to head</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>性别</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>年龄</source>
        <translation>Age</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>证件类型</source>
        <translation>ID type</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
</context>
<context>
    <name>HouseholdForm</name>
    <message>
        <location filename="../../desktop/ui/household_form.py" line="+129"/>
        <source>户基本信息</source>
        <translation>Household</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>户属性和状态</source>
        <translation>Attribute and status</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>致贫和返贫原因</source>
        <translation>Causes of poverty and of return</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>家庭情况</source>
        <translation>Family</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>银行账户</source>
        <translation>Bank account</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>内部标识(仅内部掌握)</source>
        <translation>Internal flags (internal use only)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>土地(亩)</source>
        <translation>Land (mu)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>水电路讯</source>
        <translation>Water, power, road, communications</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>住房和燃料</source>
        <translation>Housing and fuel</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>易地扶贫搬迁</source>
        <translation>Poverty relocation</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>两不愁</source>
        <translation>Two assurances</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>三保障</source>
        <translation>Three guarantees</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>饮水安全</source>
        <translation>Drinking water</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>本页没有问题</source>
        <translation>Nothing to fix on this page</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本页有错误,须改正才能保存</source>
        <translation>This page has errors that must be fixed before saving</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本页有必填内容没有填写</source>
        <translation>This page has required fields left empty</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本页有疑似问题,可说明原因后保存</source>
        <translation>This page has suspected problems; save with a reason</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>农户信息表</source>
        <translation>Household form</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>正在读取…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>脱贫状态只能通过“办理”菜单的新识别、返贫、脱贫操作改变。</source>
        <translation>The status changes only through the Operations menu: identify, return to poverty, exit poverty.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>“两不愁三保障”和饮水安全以政策年度规定时点的情况为准(导引第8问),与行业部门数据一致(导引第14问)。</source>
        <translation>The two assurances, three guarantees and drinking water are recorded as they stand on the policy year&apos;s reference day (guide Q8) and agree with the departments&apos; data (guide Q14).</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>基本信息</source>
        <translation>Basic information</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>家庭成员</source>
        <translation>Members</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>收入</source>
        <translation>Income</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>生产生活条件</source>
        <translation>Living conditions</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>两不愁三保障</source>
        <translation>Assurances</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>帮扶</source>
        <translation>Assistance</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>风险(内部)</source>
        <translation>Risks (internal)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>位置</source>
        <translation>Location</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>程序</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>户簿</source>
        <translation>Household book</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>问题清单</source>
        <translation>Problems</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>保存 (Ctrl+S)</source>
        <translation>Save (Ctrl+S)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>检查并保存本户;必填内容没填完时可以先存为草稿</source>
        <translation>Check and save this household; while required fields are empty it can be kept as a draft</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>农户(&amp;H)</source>
        <translation>&amp;Household</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>保存(&amp;S)</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>关闭(&amp;C)</source>
        <translation>&amp;Close</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>办理(&amp;O)</source>
        <translation>&amp;Operations</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{0}…</source>
        <translation>{0}…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>读取农户信息失败:{0}</source>
        <translation>Could not read the household: {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>无法打开</source>
        <translation>Cannot open</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>该户已不存在(可能已被删除),请刷新列表。</source>
        <translation>This household no longer exists (it may have been deleted); please refresh the list.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>该户不存在</source>
        <translation>No such household</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>已恢复 {0} 的草稿</source>
        <translation>Restored the draft of {0}</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>本机登记的是{0},这户属于{1}:在这里保存的修改,同步时会被县服务器拒绝。</source>
        <translation>This laptop is enrolled for {0}; this household belongs to {1}: changes saved here will be refused by the county server.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>发现未保存的草稿</source>
        <translation>Unsaved draft found</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>本户有一份未保存的草稿(自动保存于 {0} {1})。</source>
        <translation>This household has an unsaved draft (saved automatically on {0} {1}).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>恢复草稿,继续上次没有保存的填写?</source>
        <translation>Restore the draft and carry on where you left off?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>恢复草稿</source>
        <translation>Restore draft</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>丢弃草稿</source>
        <translation>Discard draft</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>已恢复 {0} 的草稿,请核对后保存</source>
        <translation>Restored the draft of {0}; please check it and save</translation>
    </message>
    <message>
        <location line="+85"/>
        <source>边缘户</source>
        <translation>Marginal</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>脱贫监测户</source>
        <translation>Monitored (exited)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>农户信息表 {0}</source>
        <translation>Household form {0}</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>问题清单:没有发现问题</source>
        <translation>Problems: none found</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>问题清单:错误 {0} 个(须改正才能保存),疑似问题 {1} 个(可说明原因后保存)</source>
        <translation>Problems: {0} error(s) (must be corrected before saving), {1} suspected problem(s) (may be saved with a reason)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>,提示 {0} 条(保存时不需说明)</source>
        <translation>, {0} note(s) (no reason needed)</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>已保存</source>
        <translation>Saved</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>未保存</source>
        <translation>Not saved</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>完整度:{0}/{1} 页无问题</source>
        <translation>Completeness: {0}/{1} pages without problems</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>必填未填 {0} 项</source>
        <translation>{0} required fields empty</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>错误 {0} 个</source>
        <translation>{0} errors</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>疑似问题 {0} 个</source>
        <translation>{0} suspected problems</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>可以定稿保存</source>
        <translation>ready to save</translation>
    </message>
    <message>
        <location line="+126"/>
        <source>未填姓名</source>
        <translation>(no name)</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>户编号 {0}</source>
        <translation>Household {0}</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>已采集位置,请核对后保存(Ctrl+S)</source>
        <translation>Location taken; please check it and save (Ctrl+S)</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>已办理“{0}”,请核对后保存(Ctrl+S)</source>
        <translation>“{0}” recorded; please check and save (Ctrl+S)</translation>
    </message>
    <message>
        <location line="-301"/>
        <location line="+319"/>
        <source>有 {0} 个错误,不能保存:{1}</source>
        <translation>{0} error(s), cannot save: {1}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>不能保存:{0}</source>
        <translation>Cannot save: {0}</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>不是本机登记的村</source>
        <translation>Not a village of this laptop</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>请确认是否走错了村。确实要保存的,同步后请联系乡镇审核员处理。</source>
        <translation>Check that this is the right village. If you save anyway, ask the township reviewer to deal with it after the sync.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>仍然保存</source>
        <translation>Save anyway</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>必填内容没有填完</source>
        <translation>Required fields are empty</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>还有 {0} 项必填内容没有填写,不能定稿保存(不能用一句原因代替):</source>
        <translation>{0} required fields are still empty; the household cannot be saved as final (a reason cannot stand in for them):</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>…… 另有 {0} 项</source>
        <translation>… and {0} more</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>可以先存为草稿(只保存在本机,不进入户簿、不同步),填完后再保存。</source>
        <translation>You can keep it as a draft (on this laptop only, not in the book, not synced) and save once they are filled.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>存为草稿</source>
        <translation>Keep as draft</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>返回填写</source>
        <translation>Back to the form</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>已存为草稿(未定稿):填完必填内容后再保存</source>
        <translation>Kept as a draft (not final): fill the required fields, then save</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>已保存,户簿记录 {0} 条</source>
        <translation>Saved; {0} entries in the household book</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>有无效的填写</source>
        <translation>Some values are not valid</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>没有保存:{0}</source>
        <translation>Not saved: {0}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>保存失败,填写的内容都还在,可以再试一次:{0}</source>
        <translation>Saving failed; everything you typed is still here, you can try again: {0}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>没有保存</source>
        <translation>Not saved</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>草稿已自动保存 {0}</source>
        <translation>Draft saved automatically at {0}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>草稿自动保存失败:{0}</source>
        <translation>Could not save the draft: {0}</translation>
    </message>
    <message>
        <location line="-507"/>
        <location line="+550"/>
        <source>有未保存的修改</source>
        <translation>Unsaved changes</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} 有未保存的修改。</source>
        <translation>{0} has unsaved changes.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>保存后关闭,还是放弃这些修改?</source>
        <translation>Save and close, or discard the changes?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location line="-203"/>
        <location line="+204"/>
        <source>不保存</source>
        <translation>Don&apos;t save</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>HouseholdListModel</name>
    <message>
        <location filename="../../desktop/ui/household_list.py" line="+369"/>
        <source>读取农户列表失败:{0}</source>
        <translation>Could not read the household list: {0}</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>户编号</source>
        <translation>Household no.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>户主姓名</source>
        <translation>Head of household</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>行政村</source>
        <translation>Village</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>自然村(组)</source>
        <translation>Hamlet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>脱贫状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>人口数</source>
        <translation>Members</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>人均纯收入(元)</source>
        <translation>Net income/person (yuan)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>标识</source>
        <translation>Flags</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>更新时间</source>
        <translation>Updated</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>边缘户</source>
        <translation>Marginal</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>监测户</source>
        <translation>Monitored</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>长期外出</source>
        <translation>Away</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>(无户主)</source>
        <translation>(no head)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{0} · 已退回</source>
        <translation>{0} · returned</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>退回意见:{0}</source>
        <translation>Reviewer&apos;s comment: {0}</translation>
    </message>
</context>
<context>
    <name>IncomeTab</name>
    <message>
        <location filename="../../desktop/ui/form_tabs.py" line="-597"/>
        <source>收入构成(元)</source>
        <translation>Income (yuan)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>收入项</source>
        <translation>Income component</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>明细</source>
        <translation>Item</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>金额(元)</source>
        <translation>Amount (yuan)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>添加明细</source>
        <translation>Add item</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>删除明细</source>
        <translation>Delete item</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>收入明细(明细合计应与所属收入项一致)</source>
        <translation>Income items (the items must add up to their component)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>家庭年收入:</source>
        <translation>Household income:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>生产经营性支出:</source>
        <translation>Production costs:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>家庭纯收入:</source>
        <translation>Net household income:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>家庭人口(现有成员):</source>
        <translation>Household size (current members):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>人均纯收入:</source>
        <translation>Net income per person:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>人均纯收入(随填随算)</source>
        <translation>Net income per person (computed as you type)</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>{0}年度收入(收入计算周期 {1} 至 {2},导引第8问)</source>
        <translation>Income of {0} (income period {1} to {2}, guide Q8)</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>未填报</source>
        <translation>Not reported</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+10"/>
        <source>{0} 人</source>
        <translation>{0} persons</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>{0} 元</source>
        <translation>{0} yuan</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>—(无现有成员)</source>
        <translation>— (no current members)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> (有无效数字,按0计)</source>
        <translation> (invalid numbers counted as 0)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>高于{0}年脱贫标准({1}元) {2} 元</source>
        <translation>{2} yuan above the {0} exit line ({1} yuan)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>低于{0}年脱贫标准({1}元) {2} 元</source>
        <translation>{2} yuan below the {0} exit line ({1} yuan)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>低于边缘户/脱贫监测户收入线({0}元,导引第6问)</source>
        <translation>Below the income line of marginal and monitored households ({0} yuan, guide Q6)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>不低于边缘户/脱贫监测户收入线({0}元)</source>
        <translation>Not below the income line of marginal and monitored households ({0} yuan)</translation>
    </message>
</context>
<context>
    <name>Launcher</name>
    <message>
        <location filename="../../desktop/ui/app.py" line="+255"/>
        <source>Fieldbook 建档立卡动态管理</source>
        <translation>Fieldbook - Poverty Registry Dynamic Management</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>首次启动:正在生成演示县数据({0} 户),请稍候…</source>
        <translation>First start: building a demo county ({0} households), please wait…</translation>
    </message>
    <message>
        <location line="+107"/>
        <source>演示数据库:各演示账号的 PIN 码都是 {0}</source>
        <translation>Demo database: every demo account&apos;s PIN is {0}</translation>
    </message>
    <message>
        <location line="+165"/>
        <source>Fieldbook 已锁定,未保存的内容已存为草稿。请输入 PIN 码继续。</source>
        <translation>Fieldbook is locked; unsaved work was kept as drafts. Type your PIN to continue.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>超过 {0} 分钟没有操作,</source>
        <translation>No activity for more than {0} minutes; </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>切换用户:请选择您的姓名并输入 PIN 码。{0}的表单已存为草稿。</source>
        <translation>Switch user: choose your name and type your PIN. {0}&apos;s forms were kept as drafts.</translation>
    </message>
    <message>
        <location line="+73"/>
        <source>无法打开数据库</source>
        <translation>Cannot open the database</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>无法打开数据库文件:
{0}</source>
        <translation>Cannot open the database file:
{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>请联系乡镇管理员。已有数据不会被删除。</source>
        <translation>Please contact the township administrator. No data has been deleted.</translation>
    </message>
</context>
<context>
    <name>LocationCaptureDialog</name>
    <message>
        <location filename="../../desktop/ui/location_capture.py" line="+212"/>
        <source>采集位置 - {0}</source>
        <translation>Capture location - {0}</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>GPS 采集</source>
        <translation>GPS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>手工输入坐标</source>
        <translation>Type coordinates</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>原住址/村委会位置</source>
        <translation>Former address / village committee</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>采用此位置</source>
        <translation>Use this location</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>系统定位 (Windows 定位服务等)</source>
        <translation>System location (Windows location service etc.)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>回放 NMEA 记录文件…</source>
        <translation>Replay an NMEA recording…</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+117"/>
        <location line="+83"/>
        <source>开始定位</source>
        <translation>Start</translation>
    </message>
    <message>
        <location line="-197"/>
        <source>接收机</source>
        <translation>Receiver</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>波特率</source>
        <translation>Baud rate</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>未开始</source>
        <translation>Not started</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>平均 %v / %m 次</source>
        <translation>Averaged %v / %m</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>卫星 (使用/可见)</source>
        <translation>Satellites (used/visible)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>水平精度因子 HDOP</source>
        <translation>HDOP</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>估计精度</source>
        <translation>Estimated accuracy</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>定位时间</source>
        <translation>Fix time</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>距今</source>
        <translation>Age</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+198"/>
        <source>坐标</source>
        <translation>Coordinates</translation>
    </message>
    <message>
        <location line="-197"/>
        <source>平均</source>
        <translation>Average</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>数据</source>
        <translation>Data</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>精度达到 {0:g} 米时自动采用; 差于此值时连续平均 {1} 次; 无定位、过期、跳变或不可信的数据会被拒绝并说明原因。</source>
        <translation>A fix better than {0:g} m is used at once; worse ones are averaged over {1} fixes; no fix, stale, jumping or untrustworthy data is refused with the reason.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>选择 NMEA 记录文件</source>
        <translation>Choose an NMEA recording</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>NMEA 记录 (*.nmea *.txt *.log);;所有文件 (*)</source>
        <translation>NMEA recordings (*.nmea *.txt *.log);;All files (*)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>正在读取 {0} …</source>
        <translation>Reading {0} …</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>正在回放 {0} …</source>
        <translation>Replaying {0} …</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+7"/>
        <source>停止</source>
        <translation>Stop</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>正在等待系统定位 …</source>
        <translation>Waiting for the system location …</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>约 {0:.1f} 米</source>
        <translation>about {0:.1f} m</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>已定位</source>
        <translation>Fixed</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>不采用</source>
        <translation>Not used</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{0} 行, 历元 {1}</source>
        <translation>{0} lines, {1} epochs</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>, 坏行 {0} ({1})</source>
        <translation>, bad lines {0} ({1})</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>单次定位</source>
        <translation>single fix</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} 次定位平均</source>
        <translation>average of {0} fixes</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>已采用: {0:.6f}, {1:.6f}, 精度约 {2:.1f} 米 ({3})</source>
        <translation>Used: {0:.6f}, {1:.6f}, accuracy about {2:.1f} m ({3})</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>{0:.0f} 秒</source>
        <translation>{0:.0f} s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0:.0f} 秒, 定位已过期</source>
        <translation>{0:.0f} s, the fix is stale</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>可输入十进制度或度分秒, 中文或英文写法均可, 例如:
  34.2585, 108.9362    北纬34.2585 东经108.9362
  34°15&apos;30.5&quot;N 108°56&apos;10.2&quot;E    北纬34度15分30.5秒 东经108度56分10.2秒
没有写方向时按“纬度, 经度”理解; 只有反过来才在中国境内时按“经度, 纬度”理解并提示。</source>
        <translation>Type decimal degrees or degrees, minutes and seconds, in English or Chinese, for example:
  34.2585, 108.9362    N34.2585 E108.9362
  34°15&apos;30.5&quot;N 108°56&apos;10.2&quot;E
Without directions the order is &quot;latitude, longitude&quot;; only when the other order alone falls inside China is it read as &quot;longitude, latitude&quot;, with a note.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>纬度 {0:.6f}, 经度 {1:.6f}  ({2})</source>
        <translation>latitude {0:.6f}, longitude {1:.6f}  ({2})</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>
已按“经度, 纬度”的顺序理解(只有这样才在中国境内)</source>
        <translation>
Read as &quot;longitude, latitude&quot; (only that order falls inside China)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>户籍在本地、现无住房、整户长期外出的户, 采集原住址或村委会位置, 并备注说明情况、留存联系电话 (动态管理问答第 19 条)。</source>
        <translation>A household registered here, with no housing and away long-term as a whole: record the former address or the village committee&apos;s location, with a note and a contact phone (Q19).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>原住址</source>
        <translation>Former address</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>村委会位置</source>
        <translation>Village committee</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>村委会位置 (本村还没有村委会位置)</source>
        <translation>Village committee (this village has no committee location yet)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>村委会位置 ({0:.6f}, {1:.6f})</source>
        <translation>Village committee ({0:.6f}, {1:.6f})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>原住址的坐标, 写法同“手工输入坐标”</source>
        <translation>Coordinates of the former address, written as under &quot;Type coordinates&quot;</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>如: 全家在浙江务工, 原房屋已拆除</source>
        <translation>e.g. the whole family works in Zhejiang; the old house was pulled down</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>手机号或带区号的固定电话</source>
        <translation>Mobile number or landline with area code</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>备注说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>请输入原住址的坐标</source>
        <translation>Please type the former address&apos;s coordinates</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{0}: 现在没有位置</source>
        <translation>{0}: no location yet</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>, 精度约 {0:g} 米</source>
        <translation>, accuracy about {0:g} m</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0}: 现有位置 {1:.6f}, {2:.6f} ({3}{4})</source>
        <translation>{0}: stored location {1:.6f}, {2:.6f} ({3}{4})</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>(疑似问题: 保存时需要说明原因)</source>
        <translation>(suspected problem: saving asks for a reason)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>将保存: {0:.6f}, {1:.6f} ({2})</source>
        <translation>Will save: {0:.6f}, {1:.6f} ({2})</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>还没有可采用的 GPS 定位</source>
        <translation>No usable GPS fix yet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>请输入坐标</source>
        <translation>Please type coordinates</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>请选择原住址(并输入坐标)或村委会位置</source>
        <translation>Choose the former address (and type its coordinates) or the village committee</translation>
    </message>
</context>
<context>
    <name>LocationPage</name>
    <message>
        <location filename="../../desktop/ui/form_tabs.py" line="+338"/>
        <source>用 GPS 采集或手工输入坐标;户籍在本地、现无住房、整户长期外出的,采集原住址或村委会位置,并备注说明情况、留存联系电话(导引第19问)。采集的位置随本表一起保存。</source>
        <translation>Take the location by GPS or type the coordinates. For a household registered here, without housing, whose whole family is away long-term, take the original address or the village committee&apos;s location, with a note and a contact phone (guide Q19). The location is saved with this form.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>GPS 采集…</source>
        <translation>GPS…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>手工输入坐标…</source>
        <translation>Type coordinates…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>整户长期外出 (原住址/村委会位置)…</source>
        <translation>Whole household away (original address / village committee)…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>户籍在本地、现无住房、整户长期外出:采集原住址或村委会位置,须备注说明并留联系电话</source>
        <translation>Registered here, no housing, whole family away long-term: take the original address or the village committee&apos;s location, with a note and a contact phone</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>位置</source>
        <translation>Location</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>本户还没有位置。</source>
        <translation>This household has no location yet.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>已采集新的位置,保存(Ctrl+S)后生效。</source>
        <translation>A new location was taken; it is stored when you save (Ctrl+S).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>已保存的位置。</source>
        <translation>The saved location.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="+229"/>
        <source>Fieldbook 建档立卡动态管理</source>
        <translation>Fieldbook - Poverty Registry Dynamic Management</translation>
    </message>
    <message>
        <location line="+107"/>
        <source>未同步:…</source>
        <translation>Unsynced: …</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>搜索:姓名、拼音首字母、身份证号或户编号 (Ctrl+F)</source>
        <translation>Search: name, pinyin initials, ID number or household number (Ctrl+F)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>全部状态</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>全部农户</source>
        <translation>All households</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>边缘户</source>
        <translation>Marginal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>脱贫监测户</source>
        <translation>Monitored (exited)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>边缘户和脱贫监测户名单仅限内部掌握,不得对外公布</source>
        <translation>Marginal and monitored households are for internal use only and must not be made public</translation>
    </message>
    <message>
        <location line="+158"/>
        <source>搜索结果太多,只显示前 {0} 户,请输入更多字</source>
        <translation>Too many results: only the first {0} households are shown; type more</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>搜索失败:{0}</source>
        <translation>Search failed: {0}</translation>
    </message>
    <message>
        <location line="+290"/>
        <source>政策年度:未配置</source>
        <translation>Policy year: not configured</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>政策年度:{0}</source>
        <translation>Policy year: {0}</translation>
    </message>
    <message>
        <location line="-596"/>
        <source>政策年度:…</source>
        <translation>Policy year: …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0}({1})</source>
        <translation>{0} ({1})</translation>
    </message>
    <message>
        <location line="+270"/>
        <source>请先在左侧选择一个行政村</source>
        <translation>Please choose a village on the left first</translation>
    </message>
    <message>
        <location line="+106"/>
        <source>正在读取…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>共 {0} 户</source>
        <translation>{0} households</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>未同步:{0} 条</source>
        <translation>Unsynced: {0}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>未同步:?</source>
        <translation>Unsynced: ?</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>农户(&amp;H)</source>
        <translation>&amp;Household</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>新建农户(&amp;N)…</source>
        <translation>&amp;New household…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>打开农户信息表(&amp;O)</source>
        <translation>&amp;Open household form</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>只读查看(&amp;V)</source>
        <translation>&amp;View (read-only)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>保存信息表(&amp;S)</source>
        <translation>&amp;Save form</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>查找(&amp;F)</source>
        <translation>&amp;Find</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>办理(&amp;O)</source>
        <translation>&amp;Operations</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>查看(&amp;V)</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>村地图(&amp;M)</source>
        <translation>Village &amp;map</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>本村问题清单(&amp;P)…</source>
        <translation>Village &amp;problem list…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>打印(&amp;P)</source>
        <translation>&amp;Print</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>本村户卡(二维码)…</source>
        <translation>Household cards of the village (QR)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>补打所选农户的户卡…</source>
        <translation>Reprint the selected household&apos;s card…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本村公示名单…</source>
        <translation>Public notice list of the village…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本村问题清单…</source>
        <translation>Problem list of the village…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>今天的工作日报…</source>
        <translation>Today&apos;s work report…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>所选农户的一簿…</source>
        <translation>Household book of the selected household…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>数据(&amp;D)</source>
        <translation>&amp;Data</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>立即备份(&amp;B)</source>
        <translation>&amp;Back up now</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>恢复备份(&amp;R)…</source>
        <translation>&amp;Restore a backup…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>立即锁定(&amp;L)</source>
        <translation>&amp;Lock now</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>同步(&amp;Y)</source>
        <translation>S&amp;ync</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>同步到县服务器(&amp;S)…</source>
        <translation>&amp;Sync with the county server…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>登记本机(&amp;E)…</source>
        <translation>&amp;Enroll this laptop…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>设置(&amp;S)</source>
        <translation>&amp;Settings</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>界面语言(&amp;L)</source>
        <translation>Interface &amp;language</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>新识别…</source>
        <translation>Identify…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>返贫…</source>
        <translation>Return to poverty…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>脱贫…</source>
        <translation>Exit poverty…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>自然增加…</source>
        <translation>Member joins…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>自然减少…</source>
        <translation>Member leaves…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>标记边缘户…</source>
        <translation>Mark marginal…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>标记脱贫监测户…</source>
        <translation>Mark monitored…</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>读取政策年度失败:{0}</source>
        <translation>Could not read the policy year: {0}</translation>
    </message>
    <message>
        <location line="-328"/>
        <location line="+357"/>
        <location line="+11"/>
        <location line="+134"/>
        <source>请先在列表中选择一户</source>
        <translation>Please choose a household in the list first</translation>
    </message>
    <message>
        <location line="-623"/>
        <source>全部走访情况</source>
        <translation>All visits</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本年度已走访</source>
        <translation>Visited this year</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本年度未走访</source>
        <translation>Not visited this year</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>有未同步的修改</source>
        <translation>Unsynced changes</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>有待处理的问题</source>
        <translation>Open problems</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>正在审核, 请稍候…</source>
        <translation>Auditing, please wait…</translation>
    </message>
    <message>
        <location line="+144"/>
        <source>没有找到“{0}”。可以输入姓名、拼音首字母、身份证号(3 位以上)或户编号;按 Esc 清空搜索,显示全部农户。</source>
        <translation>Nothing found for “{0}”. Type a name, pinyin initials, 3+ digits of an ID number or a household number; Esc clears the search and shows every household.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{0} 户的成员 {1}</source>
        <translation>member {1} of household {0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source> 等 {0} 户</source>
        <translation> and others ({0} households)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>“{0}”匹配到户主以外的成员:{1}{2}</source>
        <translation>“{0}” matched members other than the head: {1}{2}</translation>
    </message>
    <message>
        <location line="+95"/>
        <source>我的草稿(&amp;D)…</source>
        <translation>My &amp;drafts…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>还没有保存的表单(只在本机,不同步)</source>
        <translation>Forms not saved yet (on this laptop only, not synced)</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>采集本村村委会位置(&amp;C)…</source>
        <translation>Capture the village &amp;committee location…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>本村基本信息(&amp;I)…</source>
        <translation>Village &amp;information…</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>切换用户(&amp;U)…</source>
        <translation>Switch &amp;user…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>换另一个人登录:打开的表单先存为草稿,下次由原来的人接着填</source>
        <translation>Let another person sign in: open forms are kept as drafts for their owner</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>退出(&amp;Q)</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>关闭 Fieldbook(有未保存修改的表单会先问)</source>
        <translation>Close Fieldbook (forms with unsaved changes ask first)</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>同步问题(&amp;P)…</source>
        <translation>Sync &amp;problems…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>被服务器拒绝或有冲突的修改,直到处理完</source>
        <translation>Changes the server refused or that conflicted, until dealt with</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>冲突裁决(&amp;C)…</source>
        <translation>Resolve &amp;conflicts…</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>解除监测…</source>
        <translation>End monitoring…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>演示日期:{0}</source>
        <translation>Practice date: {0}</translation>
    </message>
    <message>
        <location line="+28"/>
        <location line="+1"/>
        <source>正在读取政策年度…</source>
        <translation>Reading the policy year…</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>所选农户现在不能办理这些操作(见各项提示)</source>
        <translation>None of these can be done for the selected household now (see each item&apos;s tip)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>为什么不能办理:{0}</source>
        <translation>Why greyed out: {0}</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>界面语言已更改,重新启动 Fieldbook 后生效</source>
        <translation>The interface language was changed; it takes effect when Fieldbook restarts</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>已保存 {0}</source>
        <translation>Saved {0}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>没有打开的农户信息表</source>
        <translation>No household form is open</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>该户已不存在(可能已被删除),请刷新列表</source>
        <translation>This household no longer exists (it may have been deleted); please refresh the list</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>读取农户信息失败:{0}</source>
        <translation>Could not read the household: {0}</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>发现未保存的草稿</source>
        <translation>Unsaved drafts found</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>新建农户</source>
        <translation>New household</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>上次有 {0} 份农户信息表没有保存:{1}</source>
        <translation>{0} household form(s) were not saved last time: {1}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>现在打开并恢复这些草稿吗?</source>
        <translation>Open them now and restore the drafts?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>恢复草稿</source>
        <translation>Restore drafts</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>以后再说</source>
        <translation>Later</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>读取草稿失败:{0}</source>
        <translation>Could not read the drafts: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/location.py" line="+40"/>
        <source>村委会位置采集</source>
        <translation>Village committee location captured</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{0} 村委会位置已保存</source>
        <translation>{0}: village committee location saved</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>{0} 村级信息已保存</source>
        <translation>{0}: village information saved</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>村地图</source>
        <translation>Village map</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/printing.py" line="+130"/>
        <source>已取消,没有生成文件</source>
        <translation>Cancelled; no file was made</translation>
    </message>
    <message>
        <location line="+16"/>
        <location line="+4"/>
        <source>没有生成文件</source>
        <translation>No file was made</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>生成失败:{0}</source>
        <translation>Could not make the file: {0}</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>{0}没有建档立卡户,没有户卡可打印</source>
        <translation>{0} has no registered households: no cards to print</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>正在生成 {0} 的户卡…</source>
        <translation>Making the household cards of {0}…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>补打户卡</source>
        <translation>Reprint household card</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>为 {0} 补打户卡?补打后这户以前打印的户卡全部作废,扫描时会提示已作废。</source>
        <translation>Reprint the household card of {0}? Every card printed before for this household becomes void, and scanning one says so.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>正在补打户卡…</source>
        <translation>Reprinting the household card…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>已生成 {0} 张户卡,{1} 页</source>
        <translation>{0} household card(s) made, {1} page(s)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>;登记新版次 {0} 户</source>
        <translation>; new card issue recorded for {0} household(s)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>;未打印 {0} 户</source>
        <translation>; {0} household(s) not printed</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>正在生成公示名单…</source>
        <translation>Making the public notice list…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>公示名单已生成,{0} 页</source>
        <translation>Public notice list made, {0} page(s)</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>正在审核并生成问题清单…</source>
        <translation>Auditing and making the problem list…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>问题清单已生成,{0} 个问题,{1} 页</source>
        <translation>Problem list made: {0} problem(s), {1} page(s)</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>正在生成工作日报…</source>
        <translation>Making the work report…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>工作日报已生成,{0} 页</source>
        <translation>Work report made, {0} page(s)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>正在生成一簿…</source>
        <translation>Making the household book…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>一簿已生成,{0} 条记录,{1} 页</source>
        <translation>Household book made: {0} entries, {1} page(s)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/backup.py" line="+34"/>
        <source>已备份到 {0}</source>
        <translation>Backed up to {0}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>备份完成</source>
        <translation>Backup done</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>备份失败</source>
        <translation>Backup failed</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>今天的自动备份已完成:{0}</source>
        <translation>Today&apos;s automatic backup is done: {0}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>自动备份失败</source>
        <translation>Automatic backup failed</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+22"/>
        <location line="+10"/>
        <source>不能恢复</source>
        <translation>Cannot restore</translation>
    </message>
    <message>
        <location line="-31"/>
        <location line="+32"/>
        <source>只能恢复本机的数据库文件</source>
        <translation>Only this laptop&apos;s database file can be restored</translation>
    </message>
    <message>
        <location line="-26"/>
        <source>选择要恢复的备份</source>
        <translation>Choose the backup to restore</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>数据库备份 (*.db)</source>
        <translation>Database backups (*.db)</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>请先保存并关闭所有打开的农户信息表,再恢复备份</source>
        <translation>Please save and close every open household form before restoring a backup</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>恢复备份</source>
        <translation>Restore backup</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>用备份 {0} 替换现在的数据库?
现在的数据库会先另存一份备份,恢复后程序重新打开数据库。</source>
        <translation>Replace the current database with the backup {0}?
The current database is backed up first; after the restore the database is opened again.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>正在恢复备份…</source>
        <translation>Restoring the backup…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>恢复失败</source>
        <translation>Restore failed</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>没有恢复,数据库保持原样:{0}</source>
        <translation>Not restored; the database is unchanged: {0}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>已从 {0} 恢复:{1} 户,一簿 {2} 条,未同步 {3} 条。</source>
        <translation>Restored from {0}: {1} households, {2} book entries, {3} unsynced changes.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>恢复前的数据库已另存为 {0}</source>
        <translation>The database as it was before the restore is saved as {0}</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+2"/>
        <source>备份已恢复</source>
        <translation>Backup restored</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>无法重新打开数据库</source>
        <translation>Cannot open the database again</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>请关闭程序后重新启动:{0}</source>
        <translation>Please close Fieldbook and start it again: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/scanner.py" line="+111"/>
        <source>没有找到编号为 {0} 的农户</source>
        <translation>No household numbered {0}</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>户卡不能使用</source>
        <translation>Household card not usable</translation>
    </message>
    <message>
        <location line="-30"/>
        <location line="+20"/>
        <source>扫码失败:{0}</source>
        <translation>Scan failed: {0}</translation>
    </message>
</context>
<context>
    <name>MemberEditor</name>
    <message>
        <location filename="../../desktop/ui/member_editor.py" line="+210"/>
        <location line="+120"/>
        <source>请在上表选择一名成员</source>
        <translation>Choose a member in the table above</translation>
    </message>
    <message>
        <location line="-99"/>
        <source>保险和社会救助</source>
        <translation>Insurance and social assistance</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>自然变更(由“自然增加/自然减少”办理)</source>
        <translation>Natural changes (recorded by “Member joins” / “Member leaves”)</translation>
    </message>
    <message>
        <location line="+99"/>
        <source>{0}(已减少,不能修改)</source>
        <translation>{0} (left the household, cannot be changed)</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+18"/>
        <source>成员:{0}</source>
        <translation>Member: {0}</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>已输入{0}位</source>
        <translation>{0} digits typed</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>号码有效:出生日期 {0},性别 {1}</source>
        <translation>Valid number: born {0}, sex {1}</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>“{0}”应为{1}性,与身份证号码不符,请核对</source>
        <translation>“{0}” should be {1}, which does not match the ID number; please check</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>“{0}”为{1}性,已填入性别</source>
        <translation>“{0}” is {1}; the sex was filled in</translation>
    </message>
</context>
<context>
    <name>MembersModel</name>
    <message>
        <location line="-359"/>
        <source>减少</source>
        <translation>left</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>已减少:{0} {1}</source>
        <translation>Left: {0} {1}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>新增:{0}</source>
        <translation>New: {0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>新增(未保存)</source>
        <translation>New (not saved)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>现有</source>
        <translation>Current</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>未填姓名</source>
        <translation>(no name)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>与户主关系</source>
        <translation>Relation to head</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>性别</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>出生日期</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>健康状况</source>
        <translation>Health</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>劳动技能</source>
        <translation>Labour skills</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>MembersTab</name>
    <message>
        <location line="+355"/>
        <source>添加成员(&amp;A)</source>
        <translation>&amp;Add member</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>登记一名家庭成员(建档立卡户为“自然增加”,需填写原因和日期)</source>
        <translation>Add a family member (for a registered household this is “Member joins”, with a reason and a date)</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+110"/>
        <source>自然减少…</source>
        <translation>Member leaves…</translation>
    </message>
    <message>
        <location line="-108"/>
        <source>成员死亡、嫁出、迁出等:填写减少原因和日期,成员保留在户簿中</source>
        <translation>A member died, married out, moved away …: give the reason and the date; the member stays in the household book</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>(快捷键 Insert 或 Alt+A)</source>
        <translation> (Insert or Alt+A)</translation>
    </message>
    <message>
        <location line="+99"/>
        <source>撤销新增</source>
        <translation>Undo adding</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>现有成员 {0} 人</source>
        <translation>{0} current members</translation>
    </message>
</context>
<context>
    <name>NewHouseholdDialog</name>
    <message>
        <location filename="../../desktop/ui/new_household_dialog.py" line="+50"/>
        <source>新建农户</source>
        <translation>New household</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>行政村代码 + 4位序号</source>
        <translation>Village code + 4-digit sequence</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>行政村:</source>
        <translation>Village:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>自然村(组):</source>
        <translation>Hamlet:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>户编号:</source>
        <translation>Household no.:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>新建的农户为一般农户;纳入贫困户请在信息表中办理“新识别”。</source>
        <translation>A new household is an ordinary household; to register it as poor, record “Identify” in its form.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>建立信息表</source>
        <translation>Create form</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>读取行政村失败:{0}</source>
        <translation>Could not read the villages: {0}</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>— 无 —</source>
        <translation>— none —</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>请选择行政村</source>
        <translation>Please choose a village</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>请填写户编号</source>
        <translation>Please fill in the household number</translation>
    </message>
</context>
<context>
    <name>NoticeDatesDialog</name>
    <message>
        <location filename="../../desktop/ui/printing.py" line="-297"/>
        <source>公示日期</source>
        <translation>Notice dates</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>公示开始日期:</source>
        <translation>Notice from:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>公示截止日期:</source>
        <translation>Notice until:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>每次公示不得少于 {0} 天(导引第16问)</source>
        <translation>Each notice lasts at least {0} days (guide Q16)</translation>
    </message>
</context>
<context>
    <name>Operation</name>
    <message>
        <location filename="../../desktop/ui/operations_dialogs.py" line="+84"/>
        <source>新识别</source>
        <translation>Identify</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>返贫</source>
        <translation>Return to poverty</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>脱贫</source>
        <translation>Exit poverty</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>自然增加</source>
        <translation>Member joins</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>自然减少</source>
        <translation>Member leaves</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>标记边缘户</source>
        <translation>Mark marginal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>标记脱贫监测户</source>
        <translation>Mark monitored</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>解除监测</source>
        <translation>End monitoring</translation>
    </message>
</context>
<context>
    <name>OperationDialog</name>
    <message>
        <location line="+76"/>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>不能办理:{0}</source>
        <translation>Not allowed: {0}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>未填报</source>
        <translation>Not reported</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>{0} 元</source>
        <translation>{0} yuan</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>须在程序完成(民主评议、第一次公示、比对、第二次评议、第二次公示、公告均已登记)后才能办理;程序在“程序”页或识别程序功能中登记。</source>
        <translation>Allowed only once the procedure is complete (appraisal, first notice, cross-check, second appraisal, second notice and announcement all recorded); record the steps on the Procedure page or in the procedure screens.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>新识别:一般农户按识别标准和程序纳入贫困户(导引第5问)。</source>
        <translation>Identify: an ordinary household is registered as poor by the identification standard and procedure (guide Q5). </translation>
    </message>
    <message>
        <location line="+16"/>
        <source>返贫:因病、因灾等导致家庭陷入经济困难、年底前无法补齐短板的脱贫户予以返贫,含不享受政策的稳定脱贫户(导引第5、10问)。</source>
        <translation>Return to poverty: an exited household that illness, disaster or the like has put in hardship it cannot overcome by the end of the year returns to poverty, a stably exited household included (guide Q5, Q10). </translation>
    </message>
    <message>
        <location line="+13"/>
        <source>脱贫:人均纯收入 {0}({1}年脱贫标准 {2} 元);</source>
        <translation>Exit poverty: net income per person {0} ({1} exit line {2} yuan); </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>“两不愁三保障”和饮水安全:未保障或未填:{0}</source>
        <translation>assurances and drinking water: not assured or not filled: {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>“两不愁三保障”和饮水安全:均已保障</source>
        <translation>assurances and drinking water: all assured</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+28"/>
        <source>特困供养方式变为</source>
        <translation>Special-support mode becomes</translation>
    </message>
    <message>
        <location line="-25"/>
        <location line="+29"/>
        <source>分散供养的特困供养户转集中供养,符合脱贫标准和程序的按照脱贫处理(导引第17问)</source>
        <translation>A dispersed special-support household moving to centralised support exits poverty when it meets the standard and the procedure (guide Q17)</translation>
    </message>
    <message>
        <location line="-24"/>
        <source>自然增加:新生儿、嫁入、户籍迁入的人员。确定后在“家庭成员”页补全其信息。</source>
        <translation>Member joins: a newborn, a person marrying in or moving in. Complete the person&apos;s details on the Members page afterwards.</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+100"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="-98"/>
        <location line="+100"/>
        <source>增加原因</source>
        <translation>Reason for joining</translation>
    </message>
    <message>
        <location line="-99"/>
        <source>增加日期</source>
        <translation>Date joined</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>自然减少:死亡、嫁出、出国定居、判刑收监、户籍迁出的人员。成员不会被删除,仍保留在户簿中。分散供养转集中供养按脱贫处理,不做自然减少(导引第17问)。</source>
        <translation>Member leaves: death, marrying out, settling abroad, imprisonment, moving the registration away. The member is not deleted and stays in the household book. Dispersed special support moving to centralised support is an exit, not a member leaving (guide Q17).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>成员</source>
        <translation>Member</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+91"/>
        <source>减少原因</source>
        <translation>Reason for leaving</translation>
    </message>
    <message>
        <location line="-90"/>
        <source>减少日期</source>
        <translation>Date left</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>解除监测:风险已消除、不再需要监测的户,退出内部监测名单;风险记录保留并标明消除日期(导引第6问)。名单内部掌握,不公示。</source>
        <translation>End monitoring: a household whose risk is eliminated leaves the internal monitoring list; its risk records stay, marked with the day the risk ended (guide Q6). The list is internal and never published.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>边缘户</source>
        <translation>Marginal</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>脱贫监测户</source>
        <translation>Monitored (exited)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>边缘户:非建档立卡农户中人均纯收入低于{0}元且有致贫风险的(导引第6问)。本户人均纯收入 {1}。名单内部掌握,不公示。</source>
        <translation>Marginal: an unregistered household with net income per person below {0} yuan and a risk of poverty (guide Q6). This household: {1}. The list is internal and never published.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>致贫风险</source>
        <translation>Risk of poverty</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>脱贫监测户:历年已脱贫户中人均纯收入低于{0}元且有返贫风险的(导引第6问)。本户人均纯收入 {1}。名单内部掌握,不公示。</source>
        <translation>Monitored: an exited household with net income per person below {0} yuan and a risk of returning to poverty (guide Q6). This household: {1}. The list is internal and never published.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>返贫风险</source>
        <translation>Risk of return to poverty</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>识别日期</source>
        <translation>Date identified</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>认定主体</source>
        <translation>Decided by</translation>
    </message>
    <message>
        <location line="-23"/>
        <location line="+24"/>
        <source>认定日期</source>
        <translation>Date decided</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>请填写{0}</source>
        <translation>Please fill in: {0}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>主要致贫原因</source>
        <translation>Main cause of poverty</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>其他致贫原因最多选2项</source>
        <translation>Choose at most 2 other causes of poverty</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>其他致贫原因不能与主要致贫原因重复</source>
        <translation>The other causes cannot repeat the main cause</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>返贫原因</source>
        <translation>Causes of return to poverty</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>与户主关系</source>
        <translation>Relation to head</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>减少的成员</source>
        <translation>the member who leaves</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>风险类型</source>
        <translation>Risk type</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>请填写日期</source>
        <translation>Please fill in the date</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>日期“{0}”无效,请按2019-11-30的格式填写</source>
        <translation>“{0}” is not a valid date; please write it like 2019-11-30</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>本户人均纯收入为{0},不低于{1}元,不符合{2}的认定标准(导引第6问)</source>
        <translation>This household&apos;s net income per person is {0}, not below {1} yuan: it does not meet the standard for {2} (guide Q6)</translation>
    </message>
</context>
<context>
    <name>ProblemListDialog</name>
    <message>
        <location filename="../../desktop/ui/problem_list_dialog.py" line="+62"/>
        <source>{0} 问题清单</source>
        <translation>{0} problem list</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+52"/>
        <source>正在审核…</source>
        <translation>Auditing…</translation>
    </message>
    <message>
        <location line="-49"/>
        <source>户编号</source>
        <translation>Household no.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>户主</source>
        <translation>Head</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>类别</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>规则</source>
        <translation>Rule</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>问题</source>
        <translation>Problem</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+133"/>
        <source>情况说明</source>
        <translation>Explanation</translation>
    </message>
    <message>
        <location line="-114"/>
        <source>说明情况…</source>
        <translation>Explain…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>疑似问题经核实无误的,写明情况说明;错误必须改正</source>
        <translation>A suspected problem found to be right after checking gets an explanation; errors must be corrected</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>重新审核</source>
        <translation>Audit again</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>无法读取问题清单:{0}</source>
        <translation>Cannot read the problem list: {0}</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>错误</source>
        <translation>Error</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>疑似</source>
        <translation>Suspected</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(本村)</source>
        <translation>(village)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{0} 于 {1} 说明</source>
        <translation>explained by {0} on {1}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{0} {1}年度:错误 {2} 个,疑似问题 {3} 个(已说明 {4} 个)</source>
        <translation>{0}, {1}: {2} error(s), {3} suspected problem(s) ({4} explained)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{0} {1}年度:审核未发现问题</source>
        <translation>{0}, {1}: the audit found no problems</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>{0} {1}
{2}

情况说明:</source>
        <translation>{0} {1}
{2}

Explanation:</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>情况说明没有保存:{0}</source>
        <translation>The explanation was not saved: {0}</translation>
    </message>
</context>
<context>
    <name>ProblemListModel</name>
    <message>
        <location filename="../../desktop/ui/form_models.py" line="-30"/>
        <source>提示</source>
        <translation>Note</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>错误</source>
        <translation>Error</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>疑似</source>
        <translation>Suspected</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>(提示:保存时不需要说明原因)</source>
        <translation> (a note: no reason is needed when saving)</translation>
    </message>
</context>
<context>
    <name>Problems</name>
    <message>
        <location filename="../../desktop/ui/problem_texts.py" line="+68"/>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>成员“{name}”</source>
        <translation>Member “{name}”</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}：{message}</source>
        <translation>{who}: {message}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户没有现有家庭成员（空户），请补录家庭成员，或核实该户是否应当注销。</source>
        <translation>The household has no current members (an empty household). Enter its members, or check whether it should be closed.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户没有户主，请把一名家庭成员的“与户主关系”设为“户主”。</source>
        <translation>The household has no head. Set one member’s “Relation to head” to “Head of household”.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户有{count}个户主（{names}），只能有一个户主，请核对“与户主关系”。</source>
        <translation>The household has {count} heads ({names}); it may have only one. Check “Relation to head”.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>，已减少的{names}可能仍被计入</source>
        <translation>; {names}, who left, may still be counted</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>其他致贫原因选了{count}项（{labels}），最多只能选{most}项，请核对其他致贫原因。</source>
        <translation>{count} other causes of poverty are chosen ({labels}); at most {most} may be. Check the other causes of poverty.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>其他致贫原因中的“{cause}”与主要致贫原因重复，请从其他致贫原因中去掉它。</source>
        <translation>“{cause}” among the other causes of poverty repeats the main cause. Remove it from the other causes.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户为{status}，但{year}年度人均纯收入{per_capita}元低于脱贫标准{line}元，请核对收入，或核实是否应当返贫。</source>
        <translation>The household is {status}, but its {year} per-capita net income of {per_capita} yuan is below the exit line of {line} yuan. Check the income, or whether it has returned to poverty.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户工资性收入为{wage}元，但没有成员填写务工时间，请核对务工成员的务工时间或工资性收入。</source>
        <translation>The household’s wages are {wage} yuan, but no member has months of work away. Check the working members’ months of work or the wages.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>主要致贫原因为“因病”，但全家成员健康状况都是“健康”，请核对主要致贫原因或成员健康状况。</source>
        <translation>The main cause of poverty is “illness”, but every member’s health is “healthy”. Check the main cause or the members’ health.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>主要致贫原因为“因学”，但全家没有在校生，请核对主要致贫原因或成员的在校生状况。</source>
        <translation>The main cause of poverty is “schooling”, but no member is a student. Check the main cause or the members’ school status.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>主要致贫原因为“因残”，但全家没有残疾成员，请核对主要致贫原因或成员的健康状况、残疾人证。</source>
        <translation>The main cause of poverty is “disability”, but no member is disabled. Check the main cause, or the members’ health and disability certificates.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户同时有享受低保的成员（{allowance}）和特困供养人员（{support}），请核对成员的“是否享受低保”和“是否特困供养”。</source>
        <translation>The household has members with the minimum living allowance ({allowance}) and special-support persons ({support}) at once. Check the members’ “Minimum living allowance” and “Special-support person”.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}的证件号码{number}与本户另一名成员相同，同一人不能重复登记，请核对证件号码。</source>
        <translation>{who}: ID number {number} is the same as another member’s; a person cannot be registered twice. Check the ID number.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}的性别为“{sex}”，但身份证号码显示为“{id_sex}”，请核对性别或身份证号码。</source>
        <translation>{who}: sex is “{sex}”, but the ID number says “{id_sex}”. Check the sex or the ID number.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}的出生日期为{birth}，但身份证号码中的出生日期为{id_birth}，请核对出生日期或身份证号码。</source>
        <translation>{who}: date of birth is {birth}, but the ID number gives {id_birth}. Check the date of birth or the ID number.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}与户主关系为“{relation}”，性别应为“{expected}”，但登记为“{sex}”，请核对与户主关系或性别。</source>
        <translation>{who}: relation to head is “{relation}”, so the sex should be “{expected}”, but it is “{sex}”. Check the relation or the sex.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}在{on}为{age}周岁，处于义务教育年龄段，但在校生状况为“非在校生”，请核对在校生状况（如确已失学辍学，请填写失学辍学原因）。</source>
        <translation>{who} is {age} on {on}, of compulsory-school age, but the school status is “not a student”. Check the school status (if the child has left school, give the reason).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}在{on}为{age}周岁，超过{most}周岁，但在校生状况为“{school_status}”，请核对在校生状况或出生日期。</source>
        <translation>{who} is {age} on {on}, older than {most}, but the school status is “{school_status}”. Check the school status or the date of birth.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}在{on}为{age}周岁，健康状况为“健康”，劳动技能却是“{skill}”，请核对劳动技能或健康状况。</source>
        <translation>{who} is {age} on {on} and healthy, but the labour skills are “{skill}”. Check the labour skills or the health.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}的务工时间为{months}个月，应在0–12个月之间，请核对务工时间。</source>
        <translation>{who}: months of work away are {months}; they must be 0–12. Check the months of work.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}的务工时间为{months}个月，但本户{year}年度工资性收入为0，请核对务工时间或工资性收入。</source>
        <translation>{who} worked away {months} months, but the household’s {year} wages are 0. Check the months of work or the wages.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}的劳动技能为“{skill}”，却有{months}个月务工时间，请核对劳动技能或务工时间。</source>
        <translation>{who}: labour skills are “{skill}”, yet there are {months} months of work away. Check the labour skills or the months of work.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}的健康状况为“残疾”，但没有登记残疾人证（证件类型不是残疾人证，也没有残疾人证号），请补录残疾人证号或核对健康状况。</source>
        <translation>{who}: health is “disabled”, but no disability certificate is recorded (the ID type is not a disability certificate and there is no certificate number). Enter the certificate number or check the health.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}有残疾人证，但健康状况为“{health}”，没有选“残疾”，请核对健康状况或残疾人证。</source>
        <translation>{who} has a disability certificate, but the health is “{health}”, without “disabled”. Check the health or the certificate.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>未填姓名</source>
        <translation>no name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}已登记减少原因“{reason}”，但没有减少日期，仍被计入家庭人口，请填写减少日期。</source>
        <translation>{who} has a reason for leaving (“{reason}”) but no date left, so is still counted in the household. Enter the date left.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>家庭人口数为{recorded}人，但现有家庭成员为{current}人{detail}，请核对家庭人口数和成员的减少登记。</source>
        <translation>The household size is {recorded}, but there are {current} current members{detail}. Check the household size and the members who left.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}的证件类型为残疾人证，证件号码应为20位残疾人证号（身份证号+残疾类别+残疾等级），请核对证件号码或证件类型。</source>
        <translation>{who}: the ID type is a disability certificate, so the ID number must be the 20-character certificate number (ID number + category + grade). Check the ID number or the ID type.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>户主</source>
        <translation>the head</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>户主配偶</source>
        <translation>the head’s spouse</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}与户主关系为“{relation}”，但出生日期{birth}早于{whom}，请核对出生日期或与户主关系。</source>
        <translation>{who}: relation to head is “{relation}”, but the date of birth {birth} is earlier than that of {whom}. Check the date of birth or the relation.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}与户主关系为“{relation}”，但出生日期{birth}晚于{whom}（{junior_birth}），请核对出生日期或与户主关系。</source>
        <translation>{who}: relation to head is “{relation}”, but the date of birth {birth} is later than that of {whom} ({junior_birth}). Check the date of birth or the relation.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{year}年{month}月{day}日办理的{operation}不符合工作日历：{reason}</source>
        <translation>The {operation} done on {year}-{month}-{day} is outside the work calendar: {reason}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}的证件号码是20位残疾人证号，但证件类型为身份证，请把证件类型改为残疾人证。</source>
        <translation>{who}: the ID number is a 20-character disability certificate number, but the ID type is an ID card. Set the ID type to disability certificate.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}的残疾人证号应为20位（身份证号+残疾类别+残疾等级），请核对残疾人证号。</source>
        <translation>{who}: the disability certificate number must have 20 characters (ID number + category + grade). Check it.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{year}年{month}月{day}日</source>
        <translation>{year}-{month}-{day}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>性别</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>与户主关系</source>
        <translation>Relation to head</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>民族</source>
        <translation>Ethnic group</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>政治面貌</source>
        <translation>Political status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>文化程度</source>
        <translation>Education</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>在校生状况</source>
        <translation>School status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>健康状况</source>
        <translation>Health</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>劳动技能</source>
        <translation>Labour skills</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>是否参加大病保险</source>
        <translation>Serious-illness insurance</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>是否现役军人</source>
        <translation>Serving in the armed forces</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户的贫困户属性为空，请填写贫困户属性。</source>
        <translation>The household attribute is empty. Fill it in.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户的“是否军烈属”为空，请填写。</source>
        <translation>“Military or martyr family” is empty. Fill it in.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}在{on}为{age}周岁，不满{least}周岁，劳动技能应为“{expected}”，但登记为“{skill}”，请核对劳动技能或出生日期。</source>
        <translation>{who} is {age} on {on}, under {least}, so the labour skills should be “{expected}”, but they are “{skill}”. Check the labour skills or the date of birth.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}是务工人员，联系电话“{phone}”不是11位手机号码，请核对。</source>
        <translation>{who} works away, but the phone “{phone}” is not an 11-digit mobile number. Check it.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}的失学辍学原因为“{reason}”，但健康状况为“健康”，请核对健康状况或失学辍学原因。</source>
        <translation>{who}: the reason for leaving school is “{reason}”, but the health is “healthy”. Check the health or the reason.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户{year}年享受了就业扶贫措施，但没有成员填写务工时间，请核对帮扶措施或成员的务工情况。</source>
        <translation>The household received employment assistance in {year}, but no member has months of work away. Check the measures or the members’ work.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户为{status}，但登记为危房户或住房安全无保障；有安全住房是脱贫的一票否决指标，请核对住房情况，或核实是否应当返贫。</source>
        <translation>The household is {status}, but lives in a dangerous house or without safe housing; safe housing is a veto condition for exit. Check the housing, or whether it has returned to poverty.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户为{status}，但饮水不安全；有安全饮水是脱贫的一票否决指标，请核对饮水情况，或核实是否应当返贫。</source>
        <translation>The household is {status}, but its drinking water is unsafe; safe water is a veto condition for exit. Check the water, or whether it has returned to poverty.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户为{status}，但{labels}登记为未实现，请核对“两不愁三保障”，或核实是否应当返贫。</source>
        <translation>The household is {status}, but {labels} is recorded as not met. Check the “two assurances and three guarantees”, or whether it has returned to poverty.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户为{status}，但{names}未参加城乡居民基本医疗保险或大病保险；家庭成员全部参加是脱贫的一票否决指标，请核对参保情况。</source>
        <translation>The household is {status}, but {names} lack basic medical or serious-illness insurance; every member insured is a veto condition for exit. Check the insurance.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户没有登记已享受的帮扶措施；建档立卡以来的帮扶措施（含稳定脱贫户）要按实际核实勾选（导引第3、10问），请补录。</source>
        <translation>No assistance measures received are recorded; the measures since registration (stably exited households too) must be checked and ticked (guide Q3, Q10). Enter them.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户的特困供养方式为集中供养，但仍为未脱贫：分散供养转集中供养的，符合脱贫标准和程序的按照脱贫处理（导引第17问），请核实是否办理脱贫。</source>
        <translation>The household’s special support is centralised, but it is still poor: a move from dispersed to centralised support that meets the exit standard and procedure is handled as an exit (guide Q17). Check whether to exit it.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}（{reason}）经比对为{flags}，须经评议综合研判并登记结论（导引第4、15问）。</source>
        <translation>{who} ({reason}) was found by the cross-check to be {flags}; an appraisal must decide and its decision be recorded (guide Q4, Q15).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}经比对为{flags}，评议结论为不予纳入，但仍登记为本户成员，请核对。</source>
        <translation>{who} was found by the cross-check to be {flags} and the appraisal excluded them, but they are still a member. Check.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}的{label}为空，请填写{label}。</source>
        <translation>{who}: {label} is empty. Fill it in.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}在{on}为{age}周岁，不满{least}周岁，却登记享受公益岗位（{item}），请核对帮扶措施的对象。</source>
        <translation>{who} is {age} on {on}, under {least}, yet holds a public-welfare job ({item}). Check who the measure is for.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>增加</source>
        <translation>joined</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>减少</source>
        <translation>left</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>特困供养人员“{name}”以“{reason}”办理了人员自然减少；分散供养转集中供养的不得进行人员自然减少操作，符合脱贫标准和程序的按照脱贫处理（导引第17问），请核实。</source>
        <translation>Special-support person “{name}” was removed as a member with “{reason}”; a move from dispersed to centralised support must not be a member leaving, and one that meets the exit standard and procedure is an exit (guide Q17). Check.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}的{change}日期为{day}，晚于{year}年度信息采集时间节点{snapshot}（导引第8问），不应计入本年度，请核对日期。</source>
        <translation>{who}: the date {change} is {day}, after the {year} data snapshot {snapshot} (guide Q8), so it does not count this year. Check the date.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>证件号码含有无效字符{shown}，{rule}，请核对。</source>
        <translation>The ID number contains invalid characters {shown}; {rule}. Check it.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>身份证号码</source>
        <translation>The ID number</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>“{character}”</source>
        <translation>“{character}”</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>15位旧身份证号码只能由数字组成</source>
        <translation>an old 15-digit ID number has digits only</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>只能由数字组成（只有第18位校验码可以是X）</source>
        <translation>it has digits only (only the 18th, the check digit, may be X)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>这是15位旧身份证号码，需换成18位身份证号码（见新身份证或户口簿）。</source>
        <translation>This is an old 15-digit ID number; replace it with the 18-digit one (on the new ID card or the household register).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{subject}前两位“{province}”不是有效的省级行政区划代码（如陕西为61），请核对号码。</source>
        <translation>{subject}: the first two digits “{province}” are not a valid province code (Shaanxi is 61). Check the number.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>证件号码为空，请填写18位身份证号码（残疾人填写20位残疾人证号）。</source>
        <translation>The ID number is empty. Enter the 18-digit ID number (the 20-character disability certificate number for a person with a disability).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>证件号码长度为{length}位，应为18位身份证号码（残疾人证号为20位），请核对是否多输或漏输。</source>
        <translation>The ID number has {length} characters; it must have 18 (a disability certificate number 20). Check for a character too many or missing.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>残疾人证号前18位（身份证号码）</source>
        <translation>The first 18 characters of the disability certificate number (the ID number)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>残疾人证号第19位是残疾类别，应为1–7（1视力 2听力 3言语 4肢体 5智力 6精神 7多重），现为{category}，请按残疾人证核对。</source>
        <translation>The 19th character of a disability certificate number is the category, 1–7 (1 sight, 2 hearing, 3 speech, 4 physical, 5 intellectual, 6 mental, 7 multiple); it is {category}. Check it against the certificate.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>残疾人证号第20位是残疾等级，应为1–4（一级至四级），现为{grade}，请按残疾人证核对。</source>
        <translation>The 20th character of a disability certificate number is the grade, 1–4; it is {grade}. Check it against the certificate.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>第7–12位</source>
        <translation>digits 7–12</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>第7–14位</source>
        <translation>digits 7–14</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{subject}校验码（第18位）错误，请逐位核对号码。</source>
        <translation>{subject}: the check digit (the 18th) is wrong. Check the number digit by digit.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{subject}中的出生日期{shown}晚于今天，请核对{positions}。</source>
        <translation>{subject}: the date of birth {shown} is after today. Check {positions}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{subject}中的出生日期{shown}不是有效日期，请核对{positions}。</source>
        <translation>{subject}: the date of birth {shown} is not a valid date. Check {positions}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{subject}中的出生日期{shown}早于1900年，请核对{positions}。</source>
        <translation>{subject}: the date of birth {shown} is before 1900. Check {positions}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>收入计算周期为{start}至{end}，{year}年度应为{policy_start}至{policy_end}，请核对收入计算周期。</source>
        <translation>The income period is {start} to {end}; for {year} it must be {policy_start} to {policy_end}. Check the income period.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{label}为负数（{amount}元），收入和支出金额不能小于0，请核对{label}。</source>
        <translation>{label} is negative ({amount} yuan); income and costs cannot be below 0. Check {label}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{label}的明细项“{item}”为负数（{amount}元），请核对该明细金额。</source>
        <translation>The item “{item}” of {label} is negative ({amount} yuan). Check its amount.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{label}填写为{stated}元，但其明细合计为{items_sum}元，两者不一致，请核对{label}或其明细。</source>
        <translation>{label} is {stated} yuan, but its items add up to {items_sum} yuan. Check {label} or its items.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>人均纯收入为{per_capita}元（不大于0），请核对各项收入和生产经营性支出。</source>
        <translation>The per-capita net income is {per_capita} yuan (not above 0). Check the income components and the production costs.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>登记的人均纯收入为{recorded}元，但按各项收入计算为{per_capita}元（家庭年收入{total}元，减生产经营性支出后{net}元，{people}人），两者不符，请核对各项收入、生产经营性支出和家庭人口数后保存。</source>
        <translation>The recorded per-capita net income is {recorded} yuan, but the income components give {per_capita} yuan (total {total} yuan, {net} yuan after production costs, {people} people): they do not add up. Check the components, the production costs and the household size, then save.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>人均纯收入为{per_capita}元，超过{most}元，请核对各项收入、生产经营性支出和家庭人口数。</source>
        <translation>The per-capita net income is {per_capita} yuan, above {most} yuan. Check the income components, the production costs and the household size.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>未填</source>
        <translation>not filled</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>原住址</source>
        <translation>original address</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>村委会位置</source>
        <translation>village committee location</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>北</source>
        <translation>north</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>东北</source>
        <translation>north-east</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>东</source>
        <translation>east</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>东南</source>
        <translation>south-east</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>南</source>
        <translation>south</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>西南</source>
        <translation>south-west</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>西</source>
        <translation>west</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>西北</source>
        <translation>north-west</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{kilometres} 公里</source>
        <translation>{kilometres} km</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{metres} 米</source>
        <translation>{metres} m</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>, 看起来经度和纬度写反了</source>
        <translation>; longitude and latitude look swapped</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>位置在村委会{direction}方向 {distance}, 超过 {most}, 请核对是否属于本村</source>
        <translation>The location is {distance} {direction} of the village committee, more than {most}. Check that it belongs to this village.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>没有地理位置: 请用 GPS 采集或手工输入坐标; 户籍在本地、现无住房、整户长期外出的,采集原住址或村委会位置并备注说明、留联系电话</source>
        <translation>No location: capture it by GPS or type the coordinates; for a household registered here with no housing and the whole family away, take the original address or the village committee, with a note and a contact phone</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>经度和纬度必须同时填写</source>
        <translation>Latitude and longitude must be filled in together</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>位置没有注明来源(GPS、手工输入、原住址或村委会位置)</source>
        <translation>The location does not say where it came from (GPS, typed, original address or village committee)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>位置没有记录采集时间</source>
        <translation>The location has no capture time</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GPS 位置没有记录精度</source>
        <translation>The GPS location has no accuracy recorded</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>坐标 ({latitude}, {longitude}) 不在中国境内{hint}, 请核对</source>
        <translation>The coordinates ({latitude}, {longitude}) are outside China{hint}. Check them.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>未知的位置来源“{source}”</source>
        <translation>Unknown location source “{source}”</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>位置用的是{label}, 但本户没有标为整户长期外出: 只有户籍在本地、现无住房、整户长期外出的户才采集原住址或村委会位置</source>
        <translation>The location is the {label}, but the household is not marked as away: only a household registered here with no housing and the whole family away takes the original address or the village committee</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>位置用的是{label}, 但本户登记有住房 {housing} 平方米: 有住房的应采集住房位置</source>
        <translation>The location is the {label}, but the household has {housing} m² of housing: a household with housing takes the location of its house</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>位置用的是{label}, 必须备注说明情况(如: 全家在外务工, 原房屋已拆除)</source>
        <translation>The location is the {label}: a note must explain why (e.g. the whole family works away, the old house was pulled down)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>位置用的是{label}, 必须留存联系电话(手机或带区号的固定电话)</source>
        <translation>The location is the {label}: a contact phone must be kept (a mobile, or a landline with its area code)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>行政村{name}没有村委会位置: 贫困村和非贫困村都要采集</source>
        <translation>Administrative village {name} has no village committee location: it is collected for poor and non-poor villages alike.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>行政村{name}的村委会位置只有经度或纬度</source>
        <translation>The village committee location of administrative village {name} has only a longitude or only a latitude.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>行政村{name}的村委会位置没有注明来源</source>
        <translation>The village committee location of administrative village {name} does not say its source.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>行政村{name}的村委会位置 ({latitude}, {longitude}) 不在中国境内</source>
        <translation>The village committee location of administrative village {name} ({latitude}, {longitude}) is outside China.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>来源是村委会位置, 但与村委会相距 {distance}: 请重新取用村委会位置</source>
        <translation>The source is the village committee location, but it is {distance} from the village committee: take the committee location again.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{count} 户的位置在同一点 ({latitude}, {longitude}) 的 {radius} 米以内: 请核对是否照抄了位置(集中安置点请备注说明)</source>
        <translation>{count} households are located within {radius} m of the same point ({latitude}, {longitude}): check that the location was not copied (for a resettlement site, explain in the note).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>基本医保报销</source>
        <translation>basic medical insurance reimbursement</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>大病保险报销</source>
        <translation>serious illness insurance reimbursement</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>医疗救助</source>
        <translation>medical assistance</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>民政医疗救助</source>
        <translation>civil-affairs medical aid</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>政府补助</source>
        <translation>government subsidy</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{day}前的医疗救助应按“民政医疗救助”或“政府补助”填写</source>
        <translation>medical assistance before {day} is entered as “civil-affairs medical aid” or “government subsidy”</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{day}起医保扶贫按三重保障运行，医疗救助应填入“医疗救助”</source>
        <translation>from {day} medical insurance for poverty alleviation runs as the triple guarantee and medical assistance is entered as “medical assistance”</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}在收入计算周期（{start}至{end}）内的医疗结算单显示接受了医疗救助，但“是否接受医疗救助”填的是“否”或未填，请改为“是”（导引第20问）。</source>
        <translation>{who}: the medical settlement slips of the income period ({start} to {end}) show medical assistance received, but “Received medical assistance” is “No” or empty. Change it to “Yes” (guide Q20).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}“是否接受医疗救助”填的是“是”，但收入计算周期（{start}至{end}）内的医疗结算单都没有医疗救助、民政医疗救助或政府补助，请核对（导引第20问）。</source>
        <translation>{who}: “Received medical assistance” is “Yes”, but no medical settlement slip of the income period ({start} to {end}) has medical assistance, civil-affairs medical aid or a government subsidy. Check it (guide Q20).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}{day}的医疗结算单填写了“{label}”，{advice}（导引第20问），请核对结算单。</source>
        <translation>{who}: the medical settlement slip of {day} has an amount in “{label}”; {advice} (guide Q20). Check the slip.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{who}医疗结算单的{label}为负数（{amount}元），请核对。</source>
        <translation>{who}: the {label} of a medical settlement slip is negative ({amount} yuan). Check it.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>边缘户</source>
        <translation>marginal household</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>脱贫监测户</source>
        <translation>monitored exited household</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>致贫风险</source>
        <translation>risk of falling into poverty</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>返贫风险</source>
        <translation>risk of returning to poverty</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>不愁吃</source>
        <translation>enough food</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>不愁穿</source>
        <translation>enough clothing</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>义务教育有保障</source>
        <translation>compulsory education assured</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>基本医疗有保障</source>
        <translation>basic medical care assured</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>住房安全有保障</source>
        <translation>safe housing assured</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>饮水安全有保障</source>
        <translation>safe drinking water assured</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本县</source>
        <translation>This county</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>一户不能同时是边缘户和脱贫监测户：边缘户只从一般农户中认定，脱贫监测户只从已脱贫户中认定（导引第6问）。</source>
        <translation>A household cannot be both a marginal household and a monitored exited household: marginal households are taken only from ordinary rural households, monitored ones only from exited households (guide Q6).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>非建档立卡的一般农户</source>
        <translation>ordinary rural households outside the registry</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>历年已脱贫户</source>
        <translation>households exited in past years</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{label}只从{source}中认定（导引第6问），本户的状态不符，请取消{label}标识或核对状态。</source>
        <translation>A {label} is taken only from {source} (guide Q6); this household&apos;s status does not fit. Remove the {label} flag or check the status.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户标记为{label}，但没有{year}年度人均纯收入，无法核对是否低于{line}元，请录入收入。</source>
        <translation>This household is flagged as a {label} but has no per-capita net income for {year}, so whether it is below {line} yuan cannot be checked. Enter the income.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户标记为{label}，但没有登记{risk}，请登记风险类型（导引第3、6问）。</source>
        <translation>This household is flagged as a {label} but has no {risk} recorded. Record the risk type (guide Q3, Q6).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>按程序识别为贫困户</source>
        <translation>be identified as a poor household by the procedure</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>按程序返贫</source>
        <translation>return to poverty by the procedure</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{label}的“两不愁三保障”和收入都要达到脱贫标准，不是漏评和脱贫不实的缓冲地带（导引第6问）；本户{reasons}，请核实是否应当{should}。</source>
        <translation>A {label} must meet the exit standard in the “two assurances and three guarantees” and in income; it is no buffer for missed identifications or false exits (guide Q6). Falling short for this household: {reasons}. Check whether it should {should}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户登记了未消除的{risk}（{risk_type}），但没有标记为{kind}，请核对标识或风险记录。</source>
        <translation>This household has an uneliminated {risk} ({risk_type}) recorded but is not flagged as a {kind}. Check the flag or the risk record.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{county}没有录入{base_year}年底建档立卡贫困人口总规模，无法核对边缘户和脱贫监测户的规模（不超过其{percent}，导引第6问），请录入。</source>
        <translation>{county} has no registered poor population at the end of {base_year} entered, so the number of marginal and monitored households (at most {percent} of it, guide Q6) cannot be checked. Enter it.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户标记为{label}，但{year}年度人均纯收入{per_capita}元不低于{line}元（导引第6问），请核对收入或取消{label}标识。</source>
        <translation>This household is flagged as a {label}, but its per-capita net income for {year}, {per_capita} yuan, is not below {line} yuan (guide Q6). Check the income or remove the {label} flag.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户标记为{label}，但登记的是{kind}的{risk}（{risk_type}），请核对。</source>
        <translation>This household is flagged as a {label}, but the risk recorded is the {risk} of a {kind} ({risk_type}). Check it.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户的{risk}都已消除，但人均纯收入{per_capita}元仍低于{line}元，请核对风险消除情况或{label}标识。</source>
        <translation>Every {risk} of this household is eliminated, but its per-capita net income of {per_capita} yuan is still below {line} yuan. Check the elimination of the risks or the {label} flag.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户的{risk}（{risk_type}）没有登记认定主体和认定日期：边缘户和脱贫监测户由村两委和驻村工作队研究提出名单（导引第6问），请补录。</source>
        <translation>This household&apos;s {risk} ({risk_type}) has no deciding body and decision date recorded: the village committees and the resident task force propose the lists of marginal and monitored households (guide Q6). Enter them.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>人均纯收入{per_capita}元低于脱贫标准{line}元</source>
        <translation>per-capita net income of {per_capita} yuan is below the exit standard of {line} yuan</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{county}边缘户和脱贫监测户共{total}人（边缘户{marginal}人、脱贫监测户{monitored}人），超过{base_year}年底建档立卡贫困人口{base_population}人的{percent}（{limit}人）{over}人，请县乡综合平衡（导引第6问）。</source>
        <translation>{county} has {total} people in marginal and monitored households ({marginal} marginal, {monitored} monitored), {over} more than {percent} ({limit} people) of the {base_population} registered poor people at the end of {base_year}. Balance at county and township level (guide Q6).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>新识别只适用于一般农户(导引第5问)</source>
        <translation>new identification applies only to ordinary rural households (guide Q5)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>返贫只适用于已脱贫户，含不享受政策的稳定脱贫户(导引第5、10问)</source>
        <translation>return to poverty applies only to exited households, including stably exited households no longer on the policies (guide Q5, Q10)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>脱贫只适用于未脱贫的贫困户(导引第1问)</source>
        <translation>exit applies only to poor households not yet exited (guide Q1)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>人员自然变更只适用于建档立卡户(导引第1、3问)</source>
        <translation>natural member changes apply only to registered households (guide Q1, Q3)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>边缘户只从非建档立卡农户中认定(导引第6问)</source>
        <translation>marginal households are taken only from households outside the registry (guide Q6)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>脱贫监测户只从已脱贫户中认定(导引第6问)</source>
        <translation>monitored households are taken only from exited households (guide Q6)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>解除监测只适用于在监测名单内的一般农户或已脱贫户(导引第6问)</source>
        <translation>ending monitoring applies only to ordinary or exited households on the monitoring lists (guide Q6)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{day}{hour}时{minute}分</source>
        <translation>{day} {hour}:{minute}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{day}24时</source>
        <translation>{day} 24:00</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>内部标识</source>
        <translation>an internal flag</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>分散供养的特困供养户转集中供养，符合脱贫标准和程序的按照脱贫处理，不得进行{operation}操作(导引第17问)</source>
        <translation>A dispersed special-support household moving to centralised support is handled as an exit when it meets the exit standard and procedure; the {operation} operation is not allowed (guide Q17)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{operation}操作只能在{year}年度动态管理工作期间({start}至{end})进行(导引第2问)</source>
        <translation>The {operation} operation can only be done during the {year} dynamic management work period ({start} to {end}) (guide Q2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{deadline}后不能进行{operation}操作(导引第9问)</source>
        <translation>The {operation} operation is not allowed after {deadline} (guide Q9)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{day}后只能修改完善基础信息，不能进行{operation}操作(导引第9问)</source>
        <translation>After {day} only basic information may be corrected; the {operation} operation is not allowed (guide Q9)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>人员自然变更原因代码 {reason} 不在代码表中</source>
        <translation>The natural member change reason code {reason} is not in the code table</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>“{reason}”不是{operation}的原因</source>
        <translation>“{reason}” is not a reason for {operation}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{status}不能进行{operation}操作：{rule}</source>
        <translation>Status “{status}” does not allow the {operation} operation: {rule}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{year}年新识别的贫困户当年不能脱贫(陕西省贫困退出工作实施细则)</source>
        <translation>A poor household newly identified in {year} cannot exit in the same year (Shaanxi poverty exit rules)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>户的状态不能由“{before}”直接改为“{after}”：状态只能通过新识别、返贫或脱贫操作改变(导引第1、5、10问)</source>
        <translation>The household status cannot change directly from “{before}” to “{after}”: the status changes only through new identification, return to poverty or exit (guide Q1, Q5, Q10)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>办理了{operation}操作，但户的状态是“{status}”</source>
        <translation>The {operation} operation was done, but the household status is “{status}”</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>户的状态由“{before}”改为“{after}”必须办理{operation}操作，不能直接修改状态</source>
        <translation>Changing the household status from “{before}” to “{after}” requires the {operation} operation; the status cannot be edited directly</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>标记{word}必须办理{operation}操作(导引第6问)</source>
        <translation>Flagging a {word} requires the {operation} operation (guide Q6)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户有一项内部标识被修改，须由乡镇审核人员办理</source>
        <translation>An internal flag of this household was changed; this must be done by a township reviewer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>取消{word}必须办理新识别、返贫或解除监测操作(导引第5、6问)</source>
        <translation>Removing {word} requires a new identification, return to poverty or end of monitoring operation (guide Q5, Q6)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{operation}须由乡镇审核人员办理</source>
        <translation>{operation} must be done by a township reviewer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>此项操作须由乡镇审核人员办理</source>
        <translation>This operation must be done by a township reviewer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户不需要办理此项操作</source>
        <translation>This household does not need this operation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>联系电话“{phone}”格式不正确，应为11位手机号码（如13812345678）或带区号的固定电话（如029-88886666），请核对。</source>
        <translation>The contact phone “{phone}” is not valid: it should be an 11-digit mobile number (such as 13812345678) or a landline with its area code (such as 029-88886666). Check it.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>联系电话为空，请填写11位手机号码或带区号的固定电话；确实没有电话请说明原因。</source>
        <translation>The contact phone is empty. Enter an 11-digit mobile number or a landline with its area code; if there really is no phone, explain why.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>公务员</source>
        <translation>a civil servant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>企事业单位人员</source>
        <translation>an employee of an enterprise or public institution</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>拥有车辆</source>
        <translation>a vehicle owner</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>拥有住房</source>
        <translation>a home owner (in town)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>企业法人</source>
        <translation>a company&apos;s legal representative</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>不通过</source>
        <translation>not passed</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>未通过</source>
        <translation>did not pass</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>不予纳入</source>
        <translation>not included</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>不同意</source>
        <translation>not agreed</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本户</source>
        <translation>This household&apos;s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本村</source>
        <translation>This village&apos;s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{subject}“{step}”</source>
        <translation>{subject} “{step}”</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>“{name}”</source>
        <translation>“{name}”</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>“{step}”</source>
        <translation>“{step}”</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}没有填写开始日期，请补录。</source>
        <translation>{name} has no start date. Enter it.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}的结束日期{end}早于开始日期{start}，请核对日期。</source>
        <translation>{name}: the end date {end} is before the start date {start}. Check the dates.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}的日期不在{year}年度动态管理工作期间（{start}至{end}，导引第2问），请核对日期。</source>
        <translation>{name}: the dates are outside the {year} dynamic management work period ({start} to {end}, guide Q2). Check the dates.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}的结果为“{outcome}”，程序不能继续。</source>
        <translation>{name}: the outcome is “{outcome}”; the procedure cannot continue.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>之后</source>
        <translation>after</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>当天或之后</source>
        <translation>on or after</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>公告于{start}开始，{on}还不能办理{operation}。</source>
        <translation>The announcement starts on {start}; “{operation}” cannot be completed on {on}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本村今年没有新识别和返贫户，也要开展第二次评议和公示（导引第15问）：尚未登记{steps}。</source>
        <translation>This village has no newly identified or returning household this year but still holds the second appraisal and notice (guide Q15): not yet recorded: {steps}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{subject}“{step}”登记了{count}次，以开始日期最晚的一次（{day}）为准，请删除重复或作废的记录。</source>
        <translation>{subject} “{step}” is recorded {count} times; the one with the latest start date ({day}) counts. Delete the repeated or void records.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}从{start}到{end}共{days}天，每一次公示都不少于{least}天（两端都算，导引第16问），请延长公示或核对日期。</source>
        <translation>{name} runs from {start} to {end}, {days} days; every notice lasts at least {least} days (both ends counted, guide Q16). Extend the notice or check the dates.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}在{end}才结束，各项程序性工作应在{due}前完成（导引第2问）。</source>
        <translation>{name} ends only on {end}; all procedural work should be finished by {due} (guide Q2).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{subject}“{step}”于{start}开始，应在“{before}”结束（{before_end}）{relation}开始，请核对日期。</source>
        <translation>{subject} “{step}” starts on {start}; it should start {relation} the end of “{before}” ({before_end}). Check the dates.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{subject}程序步骤代码“{step}”不在代码表中。</source>
        <translation>{subject} procedure step code “{step}” is not in the code table.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>未知人员</source>
        <translation>unknown person</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>比对发现{who}为{flags}，须经第二次评议综合研判并登记结论，程序才能继续（导引第15问）。</source>
        <translation>The cross-check found {who} to be: {flags}. The second appraisal must weigh this and record a conclusion before the procedure can continue (guide Q15).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>没有登记{operation}程序（{steps}），程序完成前不能办理{operation}（导引第15、16问）。</source>
        <translation>No procedure for “{operation}” is recorded ({steps}); “{operation}” cannot be completed before its procedure is (guide Q15, Q16).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{operation}程序尚未完成：缺少或未完成{steps}，程序完成前不能办理{operation}（导引第15、16问）。</source>
        <translation>The procedure for “{operation}” is not complete: missing or unfinished: {steps}; “{operation}” cannot be completed before its procedure is (guide Q15, Q16).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>比对发现{who}为{flags}，评议结论为不予纳入，本户不能完成新识别或返贫。</source>
        <translation>The cross-check found {who} to be: {flags}, and the appraisal concluded not to include; this household cannot complete a new identification or return to poverty.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>比对发现{who}为{flags}，评议结论为不予纳入，不应纳入建档立卡。</source>
        <translation>The cross-check found {who} to be: {flags}, and the appraisal concluded not to include; the person should not be registered.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>未填日期</source>
        <translation>no date</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}不是贫困村, 没有出列年度: 请先标为贫困村, 或清除出列年度</source>
        <translation>{name} is not a poor village and so has no exit year: mark it as a poor village first, or clear the exit year</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}的出列年度 {year} 应在 {first}—{last} 年之间</source>
        <translation>The exit year {year} of {name} should be between {first} and {last}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>驻村工作队(单位)名称最多 {most} 个字, 现在 {length} 个字</source>
        <translation>The resident task force (unit) name has at most {most} characters; it now has {length}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}是未出列的贫困村, 还没有填写驻村工作队(单位)</source>
        <translation>{name} is a poor village not yet out of poverty and has no resident task force (unit) entered</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}还没有注明是贫困村还是非贫困村</source>
        <translation>{name} does not yet say whether it is a poor or a non-poor village</translation>
    </message>
</context>
<context>
    <name>ProcedureTab</name>
    <message>
        <location filename="../../desktop/ui/form_tabs.py" line="-134"/>
        <source>办理事项</source>
        <translation>Operation</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>程序步骤</source>
        <translation>Procedure step</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>开始日期</source>
        <translation>Start date</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>结束日期</source>
        <translation>End date</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>结果</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>记录人</source>
        <translation>Recorded by</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>添加程序步骤</source>
        <translation>Add step</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>民主评议、第一次公示、比对、第二次评议、第二次公示、公告。每次公示不少于{0}天,分别计算(导引第15、16问)。</source>
        <translation>Democratic appraisal, first notice, cross-check, second appraisal, second notice, announcement. Each notice lasts at least {0} days, counted separately (guide Q15, Q16).</translation>
    </message>
</context>
<context>
    <name>ProgressTask</name>
    <message>
        <location filename="../../desktop/ui/progress.py" line="+175"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>正在取消,请稍候…</source>
        <translation>Cancelling, please wait…</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <location filename="../../desktop/ui/operations_dialogs.py" line="+44"/>
        <source>保存疑似问题:请说明原因</source>
        <translation>Saving suspected problems: give a reason</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>例如:已入户核实,情况属实</source>
        <translation>e.g. checked at the home, the facts are right</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>说明原因并保存</source>
        <translation>Save with this reason</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>返回修改</source>
        <translation>Back to the form</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>本户有 {0} 个疑似问题。可以修改后再保存,或说明原因后保存:</source>
        <translation>This household has {0} suspected problem(s). Correct them and save, or save with a reason:</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>另有 {0} 条提示,保存时不需要说明原因:</source>
        <translation>{0} note(s) as well, which need no reason:</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>请填写原因(会记入户簿)</source>
        <translation>Please give a reason (it goes into the household book)</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyDialog</name>
    <message>
        <location filename="../../desktop/ui/signin.py" line="+15"/>
        <source>恢复密钥 - Fieldbook</source>
        <translation>Recovery key - Fieldbook</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>本机数据库已加密。下面是它的恢复密钥:忘记全部 PIN 码或密钥文件损坏时,只有用它才能打开数据库。

请抄写并交县管理员保管,不要存放在本机上。这个密钥只显示这一次。</source>
        <translation>This laptop&apos;s database is encrypted. Below is its recovery key: if every PIN is forgotten or the key file is damaged, only this key opens the database.

Write it down and give it to the county administrator; do not keep it on this laptop. The key is shown only this once.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>我已抄写好恢复密钥</source>
        <translation>I have written down the recovery key</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>继续</source>
        <translation>Continue</translation>
    </message>
</context>
<context>
    <name>RisksTab</name>
    <message>
        <location filename="../../desktop/ui/form_tabs.py" line="-107"/>
        <source>类别</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>风险类型</source>
        <translation>Risk type</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>识别日期</source>
        <translation>Date identified</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>认定主体</source>
        <translation>Decided by</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>认定日期</source>
        <translation>Date decided</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>已消除</source>
        <translation>Eliminated</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>消除日期</source>
        <translation>Date eliminated</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>消除方式</source>
        <translation>How eliminated</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>边缘户和脱贫监测户名单内部掌握,不得对外公布(导引第6问)。标记边缘户/脱贫监测户请用“办理”菜单,风险在此核实和更新。</source>
        <translation>The lists of marginal and monitored households are internal and must not be made public (guide Q6). Mark a household through the Operations menu; check and update its risks here.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>边缘户</source>
        <translation>Marginal</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>脱贫监测户</source>
        <translation>Monitored (exited)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>标识:{0}</source>
        <translation>Flags: {0}</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>无</source>
        <translation>None</translation>
    </message>
</context>
<context>
    <name>Role</name>
    <message>
        <location filename="../../desktop/ui/roles.py" line="+20"/>
        <source>驻村工作队员</source>
        <translation>Field worker</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>乡镇审核员</source>
        <translation>Township reviewer</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>县级管理员</source>
        <translation>County administrator</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>未知角色</source>
        <translation>Unknown role</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../desktop/ui/signin.py" line="-417"/>
        <source>登录 - Fieldbook</source>
        <translation>Sign in - Fieldbook</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Fieldbook 建档立卡动态管理</source>
        <translation>Fieldbook - Poverty Registry Dynamic Management</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>请选择您的姓名(&amp;N):</source>
        <translation>Choose your &amp;name:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>PIN 码(&amp;P):</source>
        <translation>&amp;PIN:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>输入 PIN 后按回车</source>
        <translation>Type your PIN and press Enter</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>登录提示</source>
        <translation>Sign-in message</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>解锁</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>正在打开数据库…</source>
        <translation>Opening the database…</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>正在打开数据库,打开后自动登录…</source>
        <translation>Opening the database; you will be signed in as soon as it is open…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>请先在列表中选择您的姓名</source>
        <translation>Please choose your name in the list first</translation>
    </message>
    <message>
        <location line="-4"/>
        <location line="+11"/>
        <source>请输入 PIN 码</source>
        <translation>Please type your PIN</translation>
    </message>
    <message>
        <location line="-159"/>
        <source>已锁定 - Fieldbook</source>
        <translation>Locked - Fieldbook</translation>
    </message>
    <message>
        <location line="+169"/>
        <source>正在核对…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>PIN 码不正确,请重新输入。再错 {0} 次后需要等待一段时间才能再试。</source>
        <translation>Wrong PIN; please try again. After {0} more wrong PIN(s) you will have to wait before trying again.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>该用户不存在或已停用,请选择其他用户</source>
        <translation>This user does not exist or is disabled; please choose another</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>无法核对 PIN 码:{0}</source>
        <translation>Could not check the PIN: {0}</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>PIN 码连续输错次数过多,请等 {0} 秒后再试。</source>
        <translation>Too many wrong PINs. Please wait {0} seconds and try again.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>可以再试了,请输入 PIN 码</source>
        <translation>You may try again: please type your PIN</translation>
    </message>
</context>
<context>
    <name>SyncDialog</name>
    <message>
        <location filename="../../desktop/ui/sync_dialog.py" line="+242"/>
        <source>同步</source>
        <translation>Sync</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>正在读取…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>回执</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>开始同步</source>
        <translation>Start sync</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+105"/>
        <location line="+208"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="-312"/>
        <source>打印回执</source>
        <translation>Print receipt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location line="-214"/>
        <source>户 {0} {1}(户主)</source>
        <translation>Household {0} {1} (head)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>未填户主</source>
        <translation>no head</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>不属于任何农户的记录</source>
        <translation>A record of no household</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> · 成员 {0}</source>
        <translation> · member {0}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>被拒绝</source>
        <translation>refused</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>有冲突</source>
        <translation>in conflict</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>已保留服务器的值,本机的值交乡镇审核员裁决</source>
        <translation>the server&apos;s value was kept; this laptop&apos;s value goes to the township reviewer</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>服务器没有说明原因</source>
        <translation>the server gave no reason</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0}:{1} {2} — {3}</source>
        <translation>{0}: {1} {2} — {3}</translation>
    </message>
    <message>
        <location line="+177"/>
        <source>打开农户</source>
        <translation>Open household</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>打开所选修改所属的农户信息表</source>
        <translation>Open the form of the household this change belongs to</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>登记本机…</source>
        <translation>Enrol this laptop…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>导出到U盘…</source>
        <translation>Export to USB stick…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>没有网络时:把待上传的修改导出为同步文件,用U盘带到乡镇导入</source>
        <translation>No network: export the changes waiting to be sent as a sync file and take it to the township on a USB stick</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>本机尚未登记,还不能同步。请点“登记本机…”,输入或扫描县里发的登记码(登记时需要联网)。登记以后,没有网络时也可以点“导出到U盘…”,把修改带到乡镇导入。</source>
        <translation>This laptop is not enrolled yet, so it cannot sync. Click “Enrol this laptop…” and type or scan the enrolment code from the county (enrolling needs the network). Once enrolled, without a network you can “Export to USB stick…” and take the changes to the township.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>本机 {0}, 服务器 {1}
待上传的修改: {2} 条</source>
        <translation>Laptop {0}, server {1}
Changes to upload: {2}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>无法读取本机数据: {0}</source>
        <translation>Cannot read this laptop&apos;s data: {0}</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>正在连接服务器…</source>
        <translation>Connecting to the server…</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>正在取消: 这一批传完就停</source>
        <translation>Cancelling: stopping after this batch</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>已上传 {0} / {1} 条修改</source>
        <translation>Uploaded {0} / {1} changes</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>正在下载新分配的村 {0}:已下载 {1} 条</source>
        <translation>Downloading the newly assigned village {0}: {1} rows so far</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>正在下载村 {0} 的修改…</source>
        <translation>Downloading the changes of village {0}…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>同步没有全部成功。</source>
        <translation>The sync did not fully succeed.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0} 条修改被服务器拒绝,没有进入县里的数据库,请逐户处理(见下面的列表)。</source>
        <translation>{0} changes were refused by the server and are not in the county&apos;s database; deal with them household by household (see the list below).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{0} 条修改与服务器上的修改冲突:保留了服务器的值,本机的值已交乡镇审核员裁决。</source>
        <translation>{0} changes conflicted with changes on the server: the server&apos;s values were kept, this laptop&apos;s values go to the township reviewer.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>这些问题会一直列在“同步 → 同步问题”里,直到处理完。</source>
        <translation>They stay listed under “Sync → Sync problems” until dealt with.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>同步已取消: 已传的修改已记下, 其余修改下次同步时上传</source>
        <translation>Sync cancelled: the changes sent are recorded; the rest go up at the next sync</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>同步完成</source>
        <translation>Sync done</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>新分配给本机的村 {0} 已下载({1} 条)</source>
        <translation>The village newly assigned to this laptop, {0}, was downloaded ({1} rows)</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>无法连接服务器(县服务器)。请检查网络(网线、Wi-Fi 或手机热点)后再试;没有网络时,可以点“导出到U盘…”,把修改带到乡镇导入</source>
        <translation>Cannot reach the county server. Check the network (cable, Wi-Fi or phone hotspot) and try again; without a network, “Export to USB stick…” and take the changes to the township</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>本机尚未登记,请先点“登记本机…”</source>
        <translation>This laptop is not enrolled; click “Enrol this laptop…” first</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>同步没有完成: {0}
本机保存的内容都还在, 可以稍后再同步。</source>
        <translation>Sync not finished: {0}
Everything saved on this laptop is still here; you can sync later.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>导出同步文件</source>
        <translation>Export sync file</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>同步文件 (*.fbb)</source>
        <translation>Sync files (*.fbb)</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>没有待上传的修改,不需要导出</source>
        <translation>No changes wait to be sent; nothing to export</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>已导出 {0} 条修改到 {1}。请把文件带到乡镇导入;下次联网同步时会自动确认。</source>
        <translation>Exported {0} changes to {1}. Take the file to the township to import; the next sync over the network confirms them.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>没有导出: {0}</source>
        <translation>Not exported: {0}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>再次同步</source>
        <translation>Sync again</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>回执没有生成: {0}</source>
        <translation>No receipt was made: {0}</translation>
    </message>
</context>
<context>
    <name>SyncHistoryDialog</name>
    <message>
        <location filename="../../desktop/ui/sync_history.py" line="+58"/>
        <source>同步问题</source>
        <translation>Sync problems</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>正在读取…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>显示已处理的</source>
        <translation>Show dealt with</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>打开农户</source>
        <translation>Open household</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>已处理</source>
        <translation>Dealt with</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>已在表单里改正并重新保存,或已与乡镇审核员核实:从待处理的列表中去掉</source>
        <translation>Corrected in the form and saved again, or checked with the township reviewer: take it off the open list</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>(已处理)</source>
        <translation>(dealt with) </translation>
    </message>
    <message>
        <location line="+10"/>
        <source>有 {0} 条修改没有被服务器接受。请打开农户改正后重新保存并同步,或与乡镇审核员核实后标为已处理。</source>
        <translation>{0} changes were not accepted by the server. Open the household, correct and save again, then sync; or check with the township reviewer and mark them dealt with.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>没有待处理的同步问题。</source>
        <translation>No sync problems to deal with.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>无法读取同步记录:{0}</source>
        <translation>Cannot read the sync history: {0}</translation>
    </message>
</context>
<context>
    <name>SystemPositionReader</name>
    <message>
        <location filename="../../desktop/ui/location_capture.py" line="-592"/>
        <source>系统没有可用的定位源</source>
        <translation>The system has no location source</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>系统定位出错: {0}</source>
        <translation>System location error: {0}</translation>
    </message>
</context>
<context>
    <name>VillageInfoDialog</name>
    <message>
        <location filename="../../desktop/ui/village_info_dialog.py" line="+71"/>
        <source>行政村信息 - {0}</source>
        <translation>Village information - {0}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>未注明</source>
        <translation>Not stated</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+22"/>
        <source>贫困村</source>
        <translation>Poor village</translation>
    </message>
    <message>
        <location line="-21"/>
        <source>非贫困村</source>
        <translation>Non-poor village</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>未出列</source>
        <translation>Not exited</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>驻村工作队或驻村单位的名称</source>
        <translation>Name of the resident task force or its unit</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>例如 34.2585, 108.9362</source>
        <translation>e.g. 34.2585, 108.9362</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GPS 采集…</source>
        <translation>Capture by GPS…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>行政村</source>
        <translation>Village</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>出列年度</source>
        <translation>Exit year</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>驻村工作队(单位)</source>
        <translation>Resident task force (unit)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>村委会位置</source>
        <translation>Village committee location</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>操作人</source>
        <translation>By</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>项目</source>
        <translation>Field</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>修改</source>
        <translation>Change</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>修改记录</source>
        <translation>History</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>村委会位置尚未采集</source>
        <translation>The village committee location has not been captured</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>来源: {0}{1}</source>
        <translation>Source: {0}{1}</translation>
    </message>
    <message>
        <location line="+113"/>
        <source>未保存:</source>
        <translation>Not saved:</translation>
    </message>
</context>
<context>
    <name>VillageMapView</name>
    <message>
        <location filename="../../desktop/ui/village_map.py" line="+180"/>
        <source>, 精度约 {0:g} 米</source>
        <translation>, accuracy about {0:g} m</translation>
    </message>
    <message>
        <location line="+16"/>
        <location line="+2"/>
        <source>村委会</source>
        <translation>Village committee</translation>
    </message>
    <message>
        <location line="+108"/>
        <source>{0:g} 公里</source>
        <translation>{0:g} km</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0:g} 米</source>
        <translation>{0:g} m</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>北</source>
        <translation>N</translation>
    </message>
</context>
<context>
    <name>VillageMapWidget</name>
    <message>
        <location line="+55"/>
        <source>原住址/村委会位置 (整户长期外出)</source>
        <translation>Former address / village committee (household away)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>村委会</source>
        <translation>Village committee</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{0}  已定位 {1} 户, 未定位 {2} 户</source>
        <translation>{0}  {1} households located, {2} not</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>  (没有村委会位置)</source>
        <translation>  (no village committee location)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>底图: {0}</source>
        <translation>Base map: {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>没有位置的户 ({0})</source>
        <translation>Households without a location ({0})</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>找不到这个行政村</source>
        <translation>This village cannot be found</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>无法读取村地图: {0}</source>
        <translation>Could not read the village map: {0}</translation>
    </message>
</context>
<context>
    <name>print_preview</name>
    <message>
        <location filename="../../desktop/ui/print_preview.py" line="+96"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>正在生成</source>
        <translation>Building</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>生成失败</source>
        <translation>Build failed</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>没有生成文件:{0}</source>
        <translation>No file was made: {0}</translation>
    </message>
    <message>
        <location line="+124"/>
        <source>打印预览 - {0}</source>
        <translation>Print preview - {0}</translation>
    </message>
</context>
</TS>
