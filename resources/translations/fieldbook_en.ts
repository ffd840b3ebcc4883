<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>DivisionTreeModel</name>
    <message>
        <location filename="../../desktop/ui/division_tree.py" line="+43"/>
        <source>行政区划</source>
        <translation>Divisions</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>读取行政区划失败:{0}</source>
        <translation>Could not read the divisions: {0}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{0}({1}户)</source>
        <translation>{0} ({1} households)</translation>
    </message>
</context>
<context>
    <name>FirstUserDialog</name>
    <message>
        <location filename="../../desktop/ui/signin.py" line="+382"/>
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
        <location line="+19"/>
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
        <location line="+25"/>
        <source>无法创建用户:{0}</source>
        <translation>Could not create the user: {0}</translation>
    </message>
</context>
<context>
    <name>GpsWorker</name>
    <message>
        <location filename="../../desktop/ui/location_capture.py" line="+146"/>
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
        <location filename="../../desktop/ui/household_detail.py" line="+54"/>
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
        <location line="+14"/>
        <source>家庭成员({0} 人)</source>
        <translation>Members ({0})</translation>
    </message>
    <message>
        <location line="+7"/>
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
    <name>HouseholdListModel</name>
    <message>
        <location filename="../../desktop/ui/household_list.py" line="+276"/>
        <source>读取农户列表失败:{0}</source>
        <translation>Could not read the household list: {0}</translation>
    </message>
    <message>
        <location line="+21"/>
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
        <translation>Net income per person (yuan)</translation>
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
        <location line="+12"/>
        <source>(无户主)</source>
        <translation>(no head)</translation>
    </message>
</context>
<context>
    <name>Launcher</name>
    <message>
        <location filename="../../desktop/ui/app.py" line="+281"/>
        <source>Fieldbook 建档立卡动态管理</source>
        <translation>Fieldbook - Poverty Registry Dynamic Management</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>首次启动:正在生成演示县数据({0} 户),请稍候…</source>
        <translation>First start: building a demo county ({0} households), please wait…</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>演示数据库:各演示账号的 PIN 码都是 {0}</source>
        <translation>Demo database: every demo account&apos;s PIN is {0}</translation>
    </message>
    <message>
        <location line="+52"/>
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
        <location filename="../../desktop/ui/location_capture.py" line="+213"/>
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
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="+156"/>
        <source>Fieldbook 建档立卡动态管理</source>
        <translation>Fieldbook - Poverty Registry Dynamic Management</translation>
    </message>
    <message>
        <location line="+76"/>
        <source>未同步:…</source>
        <translation>Unsynced: …</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>搜索:姓名、拼音首字母、身份证号或户编号 (Ctrl+F)</source>
        <translation>Search: name, pinyin initials, ID number or household number (Ctrl+F)</translation>
    </message>
    <message>
        <location line="+6"/>
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
        <location line="+87"/>
        <source>搜索结果太多,只显示前 {0} 户,请输入更多字</source>
        <translation>Too many results: only the first {0} households are shown; type more</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>搜索失败:{0}</source>
        <translation>Search failed: {0}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>政策年度:未配置</source>
        <translation>Policy year: not configured</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>政策年度:{0}</source>
        <translation>Policy year: {0}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>正在读取…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>共 {0} 户</source>
        <translation>{0} households</translation>
    </message>
    <message>
        <location line="+9"/>
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
        <location line="+13"/>
        <source>办理(&amp;O)</source>
        <translation>&amp;Operations</translation>
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
        <location line="+11"/>
        <source>读取政策年度失败:{0}</source>
        <translation>Could not read the policy year: {0}</translation>
    </message>
    <message>
        <location line="+21"/>
        <location line="+13"/>
        <source>请先在列表中选择一户</source>
        <translation>Please choose a household in the list first</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>已保存 {0}</source>
        <translation>Saved {0}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>没有打开的农户信息表</source>
        <translation>No household form is open</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>该户已不存在(可能已被删除),请刷新列表</source>
        <translation>This household no longer exists (it may have been deleted); please refresh the list</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>读取农户信息失败:{0}</source>
        <translation>Could not read the household: {0}</translation>
    </message>
    <message>
        <location line="+19"/>
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
        <location line="+34"/>
        <source>没有找到编号为 {0} 的农户</source>
        <translation>No household numbered {0}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>扫码失败:{0}</source>
        <translation>Scan failed: {0}</translation>
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
        <location filename="../../desktop/ui/signin.py" line="-359"/>
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
        <location line="+8"/>
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location line="+32"/>
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
        <location line="+7"/>
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
        <location line="+10"/>
        <source>无法核对 PIN 码:{0}</source>
        <translation>Could not check the PIN: {0}</translation>
    </message>
    <message>
        <location line="+30"/>
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
    <name>SystemPositionReader</name>
    <message>
        <location filename="../../desktop/ui/location_capture.py" line="-593"/>
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
    <name>VillageMapView</name>
    <message>
        <location filename="../../desktop/ui/village_map.py" line="+179"/>
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
        <location line="+6"/>
        <source>无法读取村地图: {0}</source>
        <translation>Could not read the village map: {0}</translation>
    </message>
</context>
</TS>
