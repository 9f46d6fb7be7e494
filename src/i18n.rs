//! Every string the user sees, in Simplified Chinese and English, side by side so neither can be missing.

/// The interface language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Simplified Chinese, the default for browsers whose language starts with `zh`.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The language for a browser's `navigator.language` (`zh-CN`, `en-GB` …).
    pub fn from_browser(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The code remembered in local storage and set on `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Reads a remembered code back.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "zh-CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The string for `msg` in this language.
    pub fn text(self, msg: Msg) -> &'static str {
        match self {
            Lang::Zh => msg.zh(),
            Lang::En => msg.en(),
        }
    }
}

macro_rules! messages {
    ($($name:ident => $zh:literal, $en:literal;)*) => {
        /// A user-visible string; each variant carries its Chinese and English text.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg {
            $(
                #[doc = $en]
                $name,
            )*
        }

        impl Msg {
            /// Every message, for checks that none is blank.
            pub const ALL: &'static [Msg] = &[$(Msg::$name),*];

            /// The Simplified Chinese text.
            pub fn zh(self) -> &'static str {
                match self { $(Msg::$name => $zh,)* }
            }

            /// The English text.
            pub fn en(self) -> &'static str {
                match self { $(Msg::$name => $en,)* }
            }
        }
    };
}

messages! {
    ProductName => "Keystone 大客户分析", "Keystone key accounts";
    Tagline => "数据只保存在本机浏览器中", "Your data stays in this browser";
    LanguageSwitch => "English", "中文";
    LanguageSwitchLabel => "切换到英文界面", "Switch to Chinese";
    NavOverview => "总览", "Overview";
    NavCustomers => "客户", "Customers";
    NavSegments => "分层与细分", "Segments";
    NavRelationshipManagers => "客户经理", "Relationship managers";
    NavData => "数据", "Data";
    NavSettings => "设置", "Settings";
    Loading => "正在加载数据…", "Loading data…";
    GeneratingDemo => "首次打开：正在生成演示数据…", "First visit: generating demo data…";
    NoData => "还没有数据。请在“数据”页面加载演示数据或导入文件。", "No data yet. Load the demo data or import files on the Data page.";
    StorageError => "读取本地数据失败", "Could not read the local data";
    AsOf => "数据日期", "As of";
    Customers => "客户数", "Customers";
    KeyAccounts => "大客户", "Key accounts";
    TotalAum => "管理资产总额 (AUM)", "Total AUM";
    KeyAccountAumShare => "大客户资产占比", "Key accounts' share of AUM";
    Tier => "层级", "Tier";
    Threshold => "AUM 门槛", "AUM threshold";
    AumShare => "资产占比", "Share of AUM";
    CustomersAndAumByTier => "各层级客户数与资产", "Customers and AUM by tier";
    AumAxis => "管理资产 (AUM)", "AUM";
    CustomerCountAxis => "客户数", "Customers";
    SavePng => "下载 PNG", "Save PNG";
    Filters => "筛选", "Filters";
    TierMigration => "较上一快照的层级迁移", "Tier migration since the previous snapshot";
    NoPreviousSnapshotHint => "该数据集只有一个快照。以后再导入同一数据集（或“追加到当前数据”），这里会显示客户在层级间的迁移。", "This dataset has one snapshot. Import it again later (or append to it) to see customers move between tiers here.";
    NewCustomers => "新客户", "New customers";
    GoneCustomers => "流失客户", "Gone";
    FromTo => "原层级 ＼ 现层级", "From \\ to";
    Since => "对比快照：", "Compared with:";
    PrintReport => "打印管理报告", "Print management report";
    WorkloadAcrossManagers => "客户经理管户数与管理资产", "Clients and AUM per relationship manager";
    AverageAttrition => "平均流失风险", "Mean attrition risk";
    AverageCapacity => "平均财务实力", "Mean financial capacity";
    WhatIfAumOnly => "当前分层规则含收入或流水条件，无法即时推演；保存后按新规则重新分层。", "The ladder has income or turnover conditions: no instant what-if; customers are re-tiered when it is saved.";
    ProposedTiers => "调整后各层级客户数与资产", "Customers and AUM by tier, as proposed";
    CustomersNow => "现有客户", "Customers now";
    CustomersProposed => "调整后客户", "Customers proposed";
    MovingIn => "调入", "Moving in";
    MovingOut => "调出", "Moving out";
    AumNow => "现有 AUM", "AUM now";
    AumProposed => "调整后 AUM", "AUM proposed";
    AumIn => "调入 AUM", "AUM in";
    AumOut => "调出 AUM", "AUM out";
    TierRuleEditor => "分层规则与推演", "Tier rules and what-if";
    TierRuleEditorHint => "修改门槛即可看到各层级客户与资产的调入调出；确认后保存为本浏览器的分层规则。", "Change a threshold to see customers and AUM move between tiers; apply to keep the ladder in this browser.";
    ThresholdsMustFall => "门槛必须为正且自上而下递减。", "Thresholds must be positive and fall from tier to tier.";
    ApplyTiers => "应用分层规则", "Apply tier rules";
    DefaultTiers => "恢复默认规则", "Restore default rules";
    RfmGrid => "RFM 分布（R × F，颜色为平均 M 分）", "RFM grid (R × F, coloured by mean M)";
    RecencyScore => "最近交易 R 分", "Recency score R";
    FrequencyScore => "交易频次 F 分", "Frequency score F";
    MeanMonetary => "平均 M 分", "mean M";
    RfmNeedsTransactions => "RFM 需要交易数据：此数据集没有交易，因此没有客户有最近一次交易、频次或金额得分。", "RFM needs transactions: this dataset has none, so no customer has a recency, frequency or monetary score.";
    RfmNoActivity => "近 12 个月无交易、不参与评分（无交易客户）：", "No transaction in the 12 months, so no RFM score (segment: no activity):";
    RfmHint => "点击格子查看该组客户。R、F、M 各按五分位打分，5 分最好。", "Click a cell for its customers. R, F and M are quintile scores; 5 is best.";
    ClusterMap => "客户聚类（主成分投影）", "Customer clusters (principal components)";
    Cluster => "群组", "Cluster";
    Component => "主成分", "Component";
    ClusterHint => "k 由轮廓系数选出；每点为一位客户（大样本时抽样显示），点击查看客户画像，点击卡片查看整组客户。", "k is chosen by silhouette; each point is a customer (a sample when many); click a point for the profile, a card for the whole cluster.";
    UnknownCustomer => "找不到该客户：", "No customer with the ID";
    Age => "年龄", "Age";
    AnnualIncomeFact => "年收入", "Annual income";
    IncomeBandMidpoint => "（区间中值）", "(midpoint of a band)";
    TenureMonths => "开户月数", "Months as a customer";
    HoldingsByProduct => "按产品的持仓余额", "Holdings by product";
    Balance => "余额", "Balance";
    FinancialCapacity => "财务实力", "Financial capacity";
    AttritionRisk => "流失风险", "Attrition risk";
    KeyAccountPotential => "大客户潜力", "Key-account potential";
    BasePoints => "基础分", "Base points";
    Deposits => "存款", "Deposits";
    WealthProducts => "理财与基金等", "Wealth products";
    NoHoldings => "没有持仓记录", "No holdings on record";
    Interactions => "联系记录", "Interactions";
    NoInteractions => "尚未导入联系记录——请在“数据”页导入", "No interactions imported yet — import them on the Data page";
    Feedback => "满意度反馈", "Feedback";
    NoFeedback => "尚未导入满意度反馈——请在“数据”页导入", "No feedback imported yet — import it on the Data page";
    NavCustomer => "客户画像", "Customer 360";
    Any => "全部", "Any";
    Search => "搜索", "Search";
    SearchHint => "客户号或姓名", "Customer ID or name";
    ExportCsv => "导出 CSV", "Export CSV";
    SaveSvg => "下载 SVG", "Save SVG";
    AumDistribution => "客户 AUM 分布（对数刻度）", "Customers by AUM (log scale)";
    CustomersWithoutAum => "无资产的客户（不在对数轴上）", "Customers with no AUM (not on the log axis)";
    AumTrend => "月度 AUM 与交易活跃度", "Monthly AUM and activity";
    AumMonthEnd => "月末 AUM（按资金净流入推算）", "Month-end AUM (from net flows)";
    TransactionsPerMonth => "月交易笔数", "Transactions per month";
    ForecastWord => "预测", "forecast";
    ForecastNote => "预测：Holt 双参数指数平滑，阴影为 ±2 倍误差区间；回测误差", "Forecast: Holt's linear smoothing, shaded ±2 error band; held-out error";
    PotentialKeyAccounts => "潜在大客户", "Potential key accounts";
    AumChange => "较上一快照 AUM 变化", "AUM change since previous snapshot";
    NoPreviousSnapshot => "无上一快照", "no previous snapshot";
    NoTransactionsYet => "尚未导入交易——请在“数据”页导入", "No transactions imported yet — import them on the Data page";
    Transactions => "交易笔数", "Transactions";
    Holdings => "持仓记录", "Holdings";
    CustomerId => "客户号", "Customer ID";
    Name => "姓名", "Name";
    City => "城市", "City";
    RiskLevel => "风险等级", "Risk level";
    Aum => "AUM", "AUM";
    Loan => "贷款余额", "Loans";
    Products => "产品数", "Products";
    F12 => "近12月交易笔数", "Transactions, 12 months";
    Recency => "距上次交易天数", "Days since last transaction";
    RelationshipManager => "客户经理", "Relationship manager";
    Unassigned => "未分配", "Unassigned";
    PagePrevious => "上一页", "Previous";
    PageNext => "下一页", "Next";
    Rows => "行", "rows";
    CommitBlockedUnreadable => "有文件完全无法读取，不能保存：请更换或移除该文件，再重新验证。", "A file could not be read at all, so nothing can be saved: replace or remove it, then validate again.";
    CommitBlockedNothingAccepted => "没有任何一行通过验证，没有可保存的数据：请查看下面的问题，调整映射后重新验证。", "No row passed validation, so there is nothing to save: see the problems below, change the mapping and validate again.";
    CommitBlockedMostlyRefused => "有文件拒绝的行多于接受的行：请检查其数据类型、字段映射和编码，或移除该文件后再导入。", "A file refused more rows than it kept: check its kind, mapping and encoding, or remove it, then import again.";
    SnapshotSkipped => "以下快照的存储数据无法读取，已跳过（仍在列表中，可删除）：", "These snapshots' stored data cannot be read and were skipped (they stay listed, to delete):";
    WorkerStopped => "导入进程意外停止：导入已取消，未保存任何数据。可重试，或检查文件后再导入。", "The import worker stopped unexpectedly: the import was cancelled and nothing was saved. Try again, or check the files first.";
    PageCrashed => "Keystone 遇到内部错误，页面已停止。已保存的数据不受影响。", "Keystone met an internal error and the page stopped. Stored data is not affected.";
    ReloadPage => "重新加载", "Reload";
    OpenWithoutData => "不加载数据打开（数据保留）", "Open without loading the data (it is kept)";
    DataSetAside => "本次未加载已保存的数据：可在“数据”页选择或删除快照。", "The stored data was not loaded this time: choose or delete a snapshot on the Data page.";
    CommitAddsNothingNew => "所有行都已存在：保存后的新快照与当前数据相同。", "Every row is one already held: the snapshot saved will repeat the data shown.";
    CellWarnings => "单元格警告", "Cell warnings";
    IssueKind => "类型", "Kind";
    RejectedRow => "整行未导入", "Row refused";
    CellWarning => "单元格已略过，行已导入", "Cell left out, row kept";
    MoreIssuesInCsv => "条问题只在下载的 CSV 中", "more problems are only in the downloaded CSV";
    BackToMapping => "返回修改映射", "Back to the mapping";
    RemoveFile => "移除此文件", "Remove this file";
    AttachToCurrent => "这些文件不含客户名单，将挂接到当前数据集的客户上（已勾选“追加”）：", "These files hold no customer list: they will be attached to the customers of the dataset shown (“Append” is ticked):";
    RfmCell => "RFM 格", "RFM cell";
    RemoveFilter => "移除此筛选", "Remove this filter";
    Row => "行", "row";
    Cell => "个单元格", "cell";
    Cells => "个单元格", "cells";
    Currency => "币种", "Currency";
    CurrencyAppended => "追加的数据沿用当前数据集的币种", "appended data is in the current dataset's currency";
    CurrencyLadderNote => "分层门槛按数据集币种计（不做换算）；默认门槛按人民币设定，请按本币种调整。", "Tier thresholds are read in the dataset's currency (nothing is converted); the default ladder was set in CNY: adjust it to this currency.";
    CustomerCounted => "位客户", "customer";
    CustomersCounted => "位客户", "customers";
    DefaultImportName => "导入", "Import";
    SkipToContent => "跳到正文", "Skip to main content";
    MainNavigation => "主导航", "Main";
    PagesNavigation => "分页", "Pages";
    SortBy => "点击表头排序", "Click a column header to sort";
    ProductMixByTier => "各层级持有产品的客户数", "Customers holding each product, by tier";
    ProductType => "产品类型", "Product type";
    RmId => "工号", "Staff no.";
    Branch => "支行", "Branch";
    Clients => "管户数", "Clients";
    AverageAum => "户均 AUM", "Average AUM";
    KeyAccountsWithoutRm => "未分配客户经理的客户", "Customers without a relationship manager";
    DataHeld => "本机保存的数据", "Data held in this browser";
    DatasetName => "数据集", "Dataset";
    ImportedAt => "导入时间", "Imported at";
    Snapshot => "快照", "Snapshot";
    LoadDemo => "加载演示数据", "Load demo data";
    DeleteAll => "删除全部数据", "Delete all data";
    ConfirmDeleteAll => "确定删除本机保存的全部数据吗？此操作不可撤销。", "Delete all data held in this browser? This cannot be undone.";
    Deleted => "已删除全部数据。", "All data deleted.";
    DemoLoaded => "演示数据已加载。", "Demo data loaded.";
    DemoDatasetName => "演示数据（合成）", "Demo data (synthetic)";
    Language => "界面语言", "Interface language";
    TierRules => "客户分层规则", "Tier rules";
    KeyAccountRule => "大客户：财富及以上层级", "Key accounts: wealth tier and above";
    StorageUsage => "浏览器存储用量", "Browser storage used";
    StorageUnknown => "浏览器未提供存储用量", "The browser does not report storage use";
    PerformanceCheck => "性能检测", "Performance check";
    PerformanceHint => "在当前数据上重复运行分析各阶段（特征与分层、RFM、K 均值聚类、阈值模拟）五次，显示中位耗时。运行期间页面会短暂停顿。", "Runs each analysis stage (features and tiers, RFM, k-means, threshold what-if) five times on the current data and shows the median time. The page pauses while it runs.";
    PerformanceRun => "运行检测", "Run check";
    StageFeatures => "特征与分层", "Features and tiers";
    StageRfm => "RFM 评分", "RFM scores";
    StageKmeans => "K 均值聚类：k = 8 拟合一次（细分页按轮廓系数在 2–8 中选 k）", "k-means: one fit at k = 8 (Segments picks k from 2–8 by silhouette)";
    StagePipeline => "完整流程", "Whole pipeline";
    StageWhatIf => "一次阈值模拟", "One threshold what-if";
    DeleteDataset => "删除数据集", "Delete dataset";
    ConfirmDeleteDataset => "删除这个数据集的全部快照？此操作不可撤销。", "Delete every snapshot of this dataset? This cannot be undone.";
    SnapshotsOfDataset => "个快照", "snapshots";
    SnapshotOfDataset => "个快照", "snapshot";
    Privacy => "隐私", "Privacy";
    PrivacyNote => "Keystone 不向任何服务器发送数据：所有分析都在本机浏览器中完成。", "Keystone sends no data to any server: all analysis runs in this browser.";
    Yes => "是", "Yes";
    No => "否", "No";
    FormatDelimited => "分隔符文本", "Delimited text";
    FormatWorkbook => "Excel 工作簿", "Excel workbook";
    FormatJson => "JSON", "JSON";
    ImportTitle => "导入数据文件", "Import data files";
    ImportHint => "选择从核心系统或 CRM 导出的 CSV、Excel 或 JSON 文件（可多选，支持 GBK 编码和中文表头）。文件只在本机读取。", "Pick CSV, Excel or JSON exports from the core-banking or CRM system (several at once; GBK and Chinese headers are fine). Files are read only on this machine.";
    ChooseFiles => "选择文件", "Choose files";
    ReadingFiles => "正在读取文件…", "Reading files…";
    FileTooLarge => "文件太大，浏览器内存可能不足：", "The files are too large for this browser's memory:";
    MemoryNeeded => "预计需要", "estimated need";
    MemoryAvailable => "可用上限", "available at most";
    Entity => "数据类型", "Contents";
    Encoding => "编码", "Encoding";
    Delimiter => "分隔符", "Delimiter";
    Sheet => "工作表", "Sheet";
    PresetName => "映射方案名称", "Mapping preset name";
    SavePreset => "保存映射方案", "Save mapping preset";
    PresetApplied => "已套用保存的映射方案：", "Applied the saved mapping preset:";
    AppendToCurrent => "追加到当前数据（新一期交易按流水号去重；新的余额文件替换原余额）", "Append to the current data (a later period: transactions deduplicated by id; a new balance file replaces the balances)";
    SourceFiles => "来源文件", "Source files";
    Bytes => "字节", "Bytes";
    TimingRead => "读取", "Read";
    TimingValidate => "解析与校验", "Parsed and validated";
    TimingSave => "保存", "Saved";
    TimingWorkers => "个后台线程", "background workers";
    TimingWorker => "个后台线程", "background worker";
    HeaderRow => "首行为表头", "First row is the header";
    DateOrder => "日期格式", "Date order";
    DateOrderAuto => "自动识别", "Detect";
    Century => "六位日期的世纪", "Century of six-digit dates";
    ColumnMapping => "字段映射", "Column mapping";
    NotMapped => "（不导入）", "(not imported)";
    Required => "必填", "required";
    Preview => "预览", "Preview";
    Validate => "校验", "Validate";
    Validating => "正在校验…", "Validating…";
    ValidationReport => "校验报告", "Validation report";
    File => "文件", "File";
    RowsRead => "读取", "Read";
    Accepted => "通过", "Accepted";
    Rejected => "拒绝", "Rejected";
    Deduplicated => "去重", "Deduplicated";
    Line => "位置", "Where";
    Column => "列", "Column";
    RawValue => "原始值", "Raw value";
    Reason => "原因", "Reason";
    IssuesShown => "每个文件都列出其问题，共最多 1,000 条；完整列表请下载。位置是文件中的行号（与文本编辑器一致，表头是第 1 行）、工作表的行号，或 JSON 的第几条记录。", "Each file's problems are listed, 1,000 at most in all; download the full list. Where is the line in the file (as a text editor counts, the header being line 1), the row of a worksheet, or the record of a JSON file.";
    DownloadIssues => "下载问题清单 (CSV)", "Download issues (CSV)";
    SnapshotName => "数据集名称", "Dataset name";
    Commit => "确认导入", "Commit import";
    CancelImport => "取消", "Cancel";
    Committing => "正在保存…", "Saving…";
    Imported => "导入完成，已保存为新快照。", "Imported and saved as a new snapshot.";
    ImportFailed => "导入失败，原有数据未受影响：", "Import failed; the data held before is untouched:";
    MissingRequired => "必填字段未映射：", "Required fields not mapped:";
    NeedsMapping => "需要映射：表头无法说明此文件的内容，请选择类型或移除该文件。", "Needs mapping: the headers do not show what this file holds. Choose its contents or remove it.";
    ChooseEntity => "（请选择）", "(choose)";
    SpaceRuns => "空格（连续空格算一个）", "Spaces (a run counts once)";
    ExportPlan => "导出映射方案", "Export mapping plan";
    ImportPlan => "导入映射方案", "Import mapping plan";
    PlanApplied => "已按映射方案设置：", "Mapping plan applied to";
    PlanRefused => "映射方案无法应用：", "The mapping plan does not fit:";
    FileCounted => "个文件", "file";
    FilesCounted => "个文件", "files";
    FixedValue => "整个文件取同一值", "One value for every row";
    CountValues => "统计取值", "Count the values";
    UnknownCodesHint => "以下取值无法识别：返回映射，在“取值映射”中指定其含义。", "These values were not understood: go back to the mapping and assign them in the value map.";
    ValueMap => "取值映射", "Value map";
    ExportedValue => "导出取值", "Value as exported";
    ValueStatus => "识别情况", "Status";
    ReadAs => "读作", "Read as";
    AsExported => "（按原值）", "(as exported)";
    ValueUnderstood => "可识别", "understood";
    ValueNotUnderstood => "无法识别，请指定", "not understood: assign it";
    ValueAssigned => "已指定", "assigned";
    ValueKeptAsWritten => "按原文保留", "kept as written";
    KeptValueMaps => "保留列的取值映射（是/否标志、结果标签）", "Value maps of kept columns (yes/no flags, outcome labels)";
    KeptValueMapsHint => "未映射的列作为客户属性保留；可把其取值指定为“是/否”，供模型使用。", "Unmapped columns are kept as customer attributes; their values can be assigned yes or no, for models to use.";
    MoreValues => "取值超过 64 种，只列出前 64 种：此列可能不是代码列。", "More than 64 distinct values; the first 64 are listed: this column may not be a coded one.";
    ValidateWaitsForMapping => "以下文件尚未映射，映射或移除后才能导入：", "These files need mapping; map or remove them to import:";
    QuotaExceeded => "浏览器存储空间不足，快照未保存。已用 / 可用：", "Not enough browser storage; the snapshot was not saved. Used / available:";
    ExportBackup => "导出备份", "Export backup";
    RestoreBackup => "从备份恢复", "Restore from backup";
    ConfirmRestore => "用备份文件替换本机保存的全部数据吗？", "Replace all data held in this browser with the backup's contents?";
    Restored => "已从备份恢复。", "Restored from the backup.";
    Snapshots => "已保存的快照", "Stored snapshots";
    Activate => "设为当前", "Make current";
    Delete => "删除", "Delete";
    Current => "当前", "Current";
    ConfirmDeleteSnapshot => "删除这个快照吗？", "Delete this snapshot?";
    JobOpening => "后台读取数据", "Reading the data in the background";
    JobSegments => "后台计算 RFM 与聚类", "Computing RFM and clusters in the background";
    JobOffers => "后台训练产品倾向模型", "Training the product propensity models in the background";
    JobWorkbook => "后台生成 Excel 工作簿", "Writing the Excel workbook in the background";
    JobTraining => "后台训练与交叉验证模型", "Training and cross-validating the models in the background";
    NavModels => "模型", "Models";
    NavRelationship => "关系维护", "Relationship";
    NeverContacted => "从未联系", "Never";
    CoverageChart => "各客户经理大客户覆盖率（节奏内已联系）", "Key accounts contacted within cadence, by manager";
    CoverageShare => "覆盖率", "Coverage";
    Coverage => "覆盖率", "Coverage";
    Covered => "节奏内已联系", "Within cadence";
    AlertOutflow => "大额资金流出", "Large outflow";
    AlertDormant => "大客户久未交易", "Dormant key account";
    AlertTierDrop => "等级下降", "Tier drop";
    AlertSuitability => "适当性不符", "Suitability mismatch";
    AlertMaturity => "产品即将到期", "Product maturing";
    AlertLowSatisfaction => "满意度低", "Low satisfaction";
    AlertOverdue => "大客户联系逾期", "Key account overdue";
    Days => "天", "days";
    FollowUpDetractor => "跟进低分评价", "Follow up a low score";
    ContactCall => "电话", "Call";
    ContactVisit => "拜访", "Visit";
    ContactMeeting => "面谈", "Meeting";
    ContactMessage => "短信 / 微信", "Message";
    ContactEmail => "邮件", "Email";
    ContactEvent => "活动", "Event";
    Confidential => "（保密，仅记录人可见）", "(confidential: its author's only)";
    MyDay => "我的今天", "My day";
    WorkingAs => "当前记录人", "Recording as";
    JournalNotRead => "关系维护记录尚未读入（或无法读取），暂不能记录。", "The journal has not been read (or cannot be read): nothing can be recorded yet.";
    NoAuthor => "请先在“设置”中填写您的姓名和工号，记录才有署名。", "Set your name and staff number in Settings first, so what you record is signed.";
    AuthorName => "您的姓名", "Your name";
    AuthorRm => "您的客户经理工号", "Your staff number";
    SaveAuthor => "保存署名", "Save";
    BookOf => "查看范围", "Book";
    Everyone => "全部客户经理", "All managers";
    Today => "今天", "Today";
    OverdueContacts => "逾期未联系", "Overdue contacts";
    TasksDue => "待办跟进", "Follow-ups due";
    NewAlerts => "提醒", "Alerts";
    UpcomingEvents => "近期活动", "Upcoming events";
    LastContact => "上次联系", "Last contact";
    DueOn => "应联系日", "Due";
    OverdueBy => "逾期天数", "Days overdue";
    SortByOverdue => "按逾期天数", "By days overdue";
    SortByAum => "按 AUM", "By AUM";
    Rule => "规则", "Rule";
    Value => "数值", "Value";
    Acknowledge => "已处理", "Acknowledge";
    Snooze => "推迟 7 天", "Snooze 7 days";
    MakeTask => "转为待办", "Make a task";
    Done => "完成", "Done";
    Due => "到期", "Due";
    Task => "事项", "Task";
    LogContact => "记录联系", "Log a contact";
    ContactDate => "联系日期", "Date";
    ContactHowLabel => "方式", "How";
    ContactNote => "内容", "Note";
    NextStepText => "下一步", "Next step";
    NextStepDue => "下一步截止", "Next step due";
    ConfidentialLabel => "保密（导出与他人不可见）", "Confidential (hidden from exports and others)";
    Record => "记录", "Record";
    Recorded => "已记录", "Recorded";
    ContactLog => "联系记录", "Contact log";
    SearchContacts => "搜索客户、内容或方式", "Search customer, note or kind";
    By => "记录人", "By";
    SurveyScore => "满意度评分（0–10）", "Satisfaction score (0–10)";
    SurveyComment => "客户意见", "Comment";
    RecordSurvey => "记录评分", "Record score";
    Nps => "NPS 净推荐值", "NPS";
    Responses => "回答数", "Responses";
    NpsOverall => "全部", "Overall";
    Month => "月份", "Month";
    Comments => "客户意见", "Comments";
    Events => "客户活动", "Client events";
    EventName => "活动名称", "Event name";
    EventStarts => "开始时间", "Starts";
    EventPlace => "地点", "Place";
    EventCapacity => "名额", "Capacity";
    CreateEvent => "创建活动", "Create event";
    InviteTier => "邀请整个等级", "Invite a tier";
    Invite => "邀请", "Invite";
    Invited => "已邀请", "Invited";
    Coming => "确认参加", "Coming";
    Attended => "已到场", "Attended";
    RsvpYes => "参加", "Yes";
    RsvpNo => "不参加", "No";
    MarkAttended => "到场", "Came";
    DownloadIcs => "下载日历文件 (.ics)", "Download calendar (.ics)";
    DownloadInvitations => "下载邀请名单 (CSV)", "Download invitations (CSV)";
    WorkloadBalance => "工作量均衡", "Workload balance";
    BalanceExplain => "按等级分值与 AUM 计算每位客户经理的加权客户负荷，给出移动最少的均衡方案；接受后作为改派记录写入日志。", "Each manager's weighted book (tier points and AUM); the proposal evens it out with the fewest moves and, once accepted, is written to the journal as reassignments.";
    LoadBefore => "调整前负荷", "Load before";
    LoadAfter => "调整后负荷", "Load after";
    Moves => "改派", "Moves";
    AcceptProposal => "接受方案", "Accept proposal";
    NothingToBalance => "各客户经理负荷已在容差之内，无需调整。", "Every book is within the tolerance: nothing to move.";
    Journal => "工作日志", "Journal";
    JournalCount => "条记录", "events";
    ExportJournal => "导出日志", "Export journal";
    ImportJournal => "导入日志", "Import journal";
    JournalImported => "日志已合并，新增记录：", "Journal merged; new events: ";
    UnassignedKeyAccounts => "未分配客户经理的大客户", "Key accounts without a manager";
    AssignTo => "分配给", "Assign to";
    Assign => "分配", "Assign";
    ListActions => "对本列表", "With this list";
    InviteList => "邀请本列表参加", "Invite this list to";
    AssignList => "将本列表分配给", "Assign this list to";
    ListTooLong => "列表过长，请先筛选缩小范围", "The list is too long: narrow it first";
    ListNothingToDo => "列表中的客户均已处理，无需记录。", "Every customer of the list is already there: nothing to record.";
    NoEventsYet => "尚无客户活动（在“关系维护”页创建）", "No client events yet (create one on the Relationship page)";
    DownloadInvitationsXlsx => "下载邀请名单 (Excel)", "Download invitations (Excel)";
    BalanceWeights => "均衡权重", "Balance weights";
    TierPoints => "每位客户分值", "Points per client";
    PointsPerMillion => "每百万元 AUM 分值", "Points per ¥1M of AUM";
    TolerancePercent => "容差（平均负荷的 %）", "Tolerance (% of the mean load)";
    SaveWeights => "保存权重", "Save weights";
    NpsTrendTitle => "NPS 月度趋势", "NPS by month";
    DataDate => "数据日期", "Data as of";
    CadencePolicy => "联系节奏（天，0 为不要求）", "Contact cadence (days, 0 for none)";
    SaveCadence => "保存节奏", "Save cadence";
    AlertThresholdsTitle => "提醒阈值", "Alert thresholds";
    SaveThresholds => "保存阈值", "Save thresholds";
    OutflowShare => "净流出占 AUM 比例（%）", "Net outflow, share of AUM (%)";
    OutflowAmount => "或净流出金额（元）", "or net outflow amount (yuan)";
    DormantDays => "大客户无交易天数", "Days without a transaction";
    MaturityDays => "到期提前天数", "Days ahead for maturities";
    ContactHistory => "联系记录（导入与本地记录）", "Contacts (imported and recorded)";
    JobApplying => "后台为每位客户评分", "Scoring every customer in the background";
    ModelScore => "模型得分（概率 %）", "Model score (probability %)";
    ModelApply => "应用此模型", "Apply this model";
    ModelApplied => "已应用的模型：", "Model applied: ";
    ModelAppliedHint => "每位客户的得分已成为客户列表的一列、筛选条件和导出列；客户 360 页面显示其各特征贡献。", "Every customer's score is now a column, a filter and an export column of the customer list; the Customer 360 shows its per-feature contributions.";
    ModelOpenList => "按模型得分查看客户", "Customers by model score";
    ModelVersion => "版本", "version";
    ModelOn360 => "模型预测", "Model prediction";
    ModelContributionsHint => "各特征对对数几率的贡献，与基准相加即为该客户的得分；模型在未参与训练的客户上检验。", "Each feature's part of the log-odds; with the base they add up to this customer's score. The model was validated on customers it did not train on.";
    CreditRiskLearned => "信用风险由已应用的模型学习得出（结果：", "Credit risk is learned by the applied model (outcome: ";
    CreditRiskRuleBased => "信用风险目前基于规则。若导入带有违约或逾期结果列（如“是否违约”“逾期天数”）的客户文件，并在“模型”页训练并应用模型，此处将显示学习得到的风险。", "Credit risk is rule-based for now. Import a customers file with a default or delinquency outcome (e.g. a default flag or days past due), then train and apply a model on the Models page, and the risk shown here will be learned.";
    ModelLogistic => "逻辑回归", "Logistic regression";
    ModelTrees => "梯度提升树", "Boosted trees";
    ModelLogisticShort => "逻辑回归", "Logistic";
    ModelTreesShort => "提升树", "Trees";
    ModelLabelled => "有结果的客户", "Customers with a known outcome";
    ModelPositives => "其中正类", "of them positive";
    ModelFolds => "交叉验证折数", "folds";
    ModelFeaturesUsed => "所用特征", "features used";
    ModelRocTitle => "ROC 曲线（未参与训练的客户）", "ROC curve (customers not trained on)";
    ModelGainsTitle => "累计增益", "Cumulative gains";
    ModelCalibrationTitle => "校准：预测与实际（按十分位）", "Calibration: predicted against observed, by decile";
    ModelImportanceTitle => "特征重要性（平均绝对贡献）", "Feature importance (mean absolute contribution)";
    ModelImportanceBase => "基准", "Base";
    ModelRandom => "随机", "Random";
    ModelPerfectCalibration => "完全校准", "Perfectly calibrated";
    ModelFalsePositiveRate => "误报率", "False-positive rate";
    ModelTruePositiveRate => "命中率（召回）", "True-positive rate (recall)";
    ModelContacted => "按得分联系的客户比例", "Share of customers contacted";
    ModelCaptured => "覆盖的正类比例", "Share of positives reached";
    ModelPredicted => "预测概率", "Predicted probability";
    ModelObserved => "实际比例", "Observed share";
    ModelOutcome => "预测结果（客户文件中的列）", "Outcome (a column of the customers file)";
    ModelPositiveClass => "正类（按值计数）", "Positive class (values with their counts)";
    ModelAtLeast => "数值不低于阈值", "Number at least a threshold";
    ModelSource => "结果来自", "Outcome from";
    ModelFromColumn => "客户文件中的一列", "a column of the customers file";
    ModelBetweenSnapshots => "与较早快照相比客户的变化", "what happened since an earlier snapshot";
    ModelEarlierSnapshot => "较早快照", "Earlier snapshot";
    ModelDerivedWhat => "发生了什么", "What happened";
    ModelDerivedLeft => "流失：不在本快照中，或资产降幅超过", "Left: gone from this snapshot, or AUM down by more than";
    ModelDerivedUp => "升级到更高等级", "moved up a tier";
    ModelDerivedBought => "新购产品类别", "Bought a product family";
    ModelAumDrop => "资产降幅（%）", "AUM drop (%)";
    ModelFamily => "产品类别", "Family";
    ModelSince => "自 ", "since ";
    ImportedOn => "导入于 ", "imported ";
    ModelDerivedHint => "模型在较早快照的客户特征上学习他们到本快照时发生了什么，再用于本快照的客户：预测到下一个快照时谁会如此。", "The models learn from the earlier snapshot's customers what happened to them by this one, then score this snapshot's customers: who will do the same by the next snapshot.";
    ModelThreshold => "阈值", "Threshold";
    ModelTrain => "训练并验证", "Train and validate";
    ModelTrainAgain => "按所选特征重新训练", "Train again with the features ticked";
    ModelCancel => "取消训练", "Cancel training";
    ModelNoOutcome => "客户文件中没有可作为结果的列（是/否标志、标签、代码或数值）。导入带有结果列的客户文件后即可训练。", "The customers file has no column that can be an outcome (a yes/no flag, a label, a code or a number). Import a customers file with an outcome column to train a model.";
    ModelHint => "两个模型均在客户自己的结果上训练：每一折由未见过该折客户的模型评分，图表与指标全部来自这些未参与训练的客户；最后在全部有结果的客户上拟合。", "Both models learn from the bank's own outcomes: each fold is scored by a model that never saw it, so every chart and figure here comes from customers the model was not trained on; the final fit uses every customer with a known outcome.";
    ModelColumnModel => "模型", "Model";
    ModelColumnAuc => "AUC（均值 ± 折间标准差）", "AUC (mean ± spread across folds)";
    ModelColumnFolds => "各折 AUC", "AUC per fold";
    ModelColumnTop5 => "前 5% 精确率 / 召回率", "Top 5 %: precision / recall";
    ModelColumnTop10 => "前 10% 精确率 / 召回率", "Top 10 %: precision / recall";
    ModelColumnTop20 => "前 20% 精确率 / 召回率", "Top 20 %: precision / recall";
    ModelColumnSeconds => "训练耗时（秒）", "Training time (s)";
    ModelFeature => "特征", "Feature";
    ModelUsed => "使用", "Used";
    ModelLeftOutWhy => "未使用的原因", "Left out because";
    ModelAloneAuc => "单独使用时的 AUC", "AUC alone";
    ModelConfusionTitle => "混淆矩阵", "Confusion matrix";
    ModelConfusionAt => "判为正类的概率阈值：", "Called positive at a probability of at least: ";
    ModelPredictedYes => "预测为正", "Predicted positive";
    ModelPredictedNo => "预测为负", "Predicted negative";
    ModelActualYes => "实际为正", "Actually positive";
    ModelActualNo => "实际为负", "Actually negative";
    LeftOutOutcome => "即预测结果本身", "it is the outcome";
    LeftOutConstant => "所有客户取值相同", "every customer has the same value";
    LeftOutIdentifier => "标识符：每位客户取值不同", "an identifier: a different value for every customer";
    LeftOutNearUnique => "近乎唯一的文本", "near-unique text";
    LeftOutLeak => "疑似泄露：单独即可几乎完美预测结果", "probable leak: alone it predicts the outcome almost perfectly";
    LeftOutNotChosen => "未勾选", "not ticked";
    JobFailed => "后台计算失败：", "The background computation failed: ";
    JobCancelled => "已取消：后台计算已停止，可重新开始。", "Cancelled: the background work was stopped; start it again when ready.";
    ExportXlsx => "导出 Excel", "Export Excel";
    NextBestProduct => "下一最佳产品", "Next-best product";
    NextBestHint => "按模型概率排列客户尚未持有的产品；模型只在其他客户上训练，AUC 为在未参与训练的客户上的检验结果。", "Products the customer does not hold, by the model's probability; the models train on other customers, and AUC is measured on customers they never saw.";
    Probability => "概率", "Probability";
    HoldersShare => "持有比例", "Share holding it";
    ValidationAuc => "检验 AUC", "Validation AUC";
    TrainedOnCustomers => "每个产品模型训练所用客户数（客户多时为按是否持有分层的抽样）：", "Customers each product's model trained on (a sample stratified by holding it, when the book is large): ";
    WhyThisProduct => "推荐理由（对数几率贡献）", "Why (log-odds contributions)";
    ModelBase => "基准", "Base";
    NothingToOffer => "客户已持有所有可推荐的产品", "The customer already holds every product that can be offered";
    Suitability => "适当性检查", "Suitability";
    SuitabilityClear => "所持产品均在客户风险承受能力之内", "Every product held is within the customer's risk tolerance";
    AboveTolerance => "产品风险等级高于客户风险承受能力", "Product risk above the customer's tolerance";
    NotAssessed => "客户未做风险评估却持有风险产品", "Risk product held without a risk assessment";
    ProductRisk => "产品风险等级", "Product risk";
    CustomerTolerance => "客户风险承受能力", "Customer tolerance";
    Product => "产品", "Product";
    Inflows12 => "近 12 个月流入", "Inflows, 12 months";
    Outflows12 => "近 12 个月流出", "Outflows, 12 months";
    HeldAccounts => "账户与持仓", "Accounts and holdings";
    AccountOrCode => "账号 / 产品代码", "Account / product code";
    AsOfShort => "数据日期", "As of";
    TagKeyAccount => "大客户", "Key account";
    TagAttritionRisk => "流失风险高", "High attrition risk";
    TagSuitability => "适当性待核查", "Suitability to review";
    TransactionsByCategory => "近12个月交易（按类别）", "Transactions in 12 months by category";
    TransactionsByChannel => "近12个月交易（按渠道）", "Transactions in 12 months by channel";
    Turnover => "交易金额（收支合计）", "Turnover (in and out)";
    BlankValue => "（未填）", "(blank)";
    NoTransactionsInYear => "近12个月没有交易", "No transactions in the last 12 months";
    NoTransactionsImported => "本数据集没有导入交易流水：月度 AUM 走势、交易构成和流失风险都需要交易数据，请在“数据”页导入。", "No transactions were imported for this dataset: the monthly AUM trend, the transaction mix and attrition risk need them — import them on the Data page.";
    NoAssetsOrActivity => "近12个月既无资产也无交易，没有走势可画。", "No assets and no transactions in the last 12 months: there is no trend to draw.";
    AttritionNeedsTransactions => "流失风险依据交易活跃度计算；本数据集没有交易流水，因此不给出分数。", "Attrition risk is read from transaction activity; this dataset has no transactions, so no score is given.";
    OffersNeedHoldings => "该客户没有导入任何持仓：推荐需要知道客户已持有什么，请导入持仓后再看。", "No holdings were imported for this customer: an offer needs to know what they already hold — import holdings to see offers.";
    SuitabilityNeedsHoldings => "该客户没有导入任何持仓，没有可检查的产品。", "No holdings were imported for this customer: there is nothing to check.";
    Score => "评分", "Score";
    ScoreFrom => "评分不低于", "Score from";
    ScoreTo => "评分不高于", "Score up to";
    OtherFactors => "其他因素", "Other factors";
    ChartKeyboardHint => "用方向键逐项查看数值，回车打开明细", "Arrow keys step through the values; Enter opens the details";
}

/// A product family's name in the reader's language.
pub fn product_name(product: crate::model::ProductType, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => product.chinese_name(),
        Lang::En => product.english_name(),
    }
}

/// A propensity model's feature (see `analytics::propensity`) in the reader's language.
pub fn model_feature_name(name: &str, lang: Lang) -> String {
    use crate::model::ProductType;
    if let Some(key) = name.strip_prefix("holds_") {
        if let Some(product) = ProductType::ALL.into_iter().find(|p| p.key() == key) {
            return match lang {
                Lang::Zh => format!("持有{}", product.chinese_name()),
                Lang::En => format!("holds {}", product.english_name()),
            };
        }
    }
    let (zh, en) = match name {
        "age" => ("年龄", "age"),
        "annual_income" => ("年收入", "annual income"),
        "tenure_months" => ("开户月数", "months as a client"),
        "f12" => ("近12个月交易笔数", "transactions in 12 months"),
        "in12" => ("近12个月资金流入", "inflows in 12 months"),
        "card_share" => ("刷卡交易占比", "share of card transactions"),
        "risk_level" => ("风险承受等级", "risk tolerance"),
        "city" => ("城市", "city"),
        "occupation" => ("职业", "occupation"),
        other => (other, other),
    };
    match lang {
        Lang::Zh => zh.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// Why an import row was refused, in the reader's language.
pub fn issue_reason(reason: &crate::import::IssueReason, lang: Lang) -> String {
    use crate::import::IssueReason as R;
    if lang == Lang::En {
        return reason.to_string();
    }
    match reason {
        R::BadValue(crate::import::ValueError::OtherCurrency(currency)) => {
            format!("金额币种为 {currency}，不是数据集的币种：不做换算；请声明数据集币种或更正该单元格")
        }
        R::BadValue(error) => value_error_zh(*error).to_owned(),
        R::MissingValue => "必填值为空".into(),
        R::RaggedRow { found, expected } => format!("本行有 {found} 列，表头有 {expected} 列"),
        R::UnknownCustomer => "找不到该客户号".into(),
        R::DuplicateCustomer {
            first_line,
            first_file,
        } => {
            format!("客户号重复（首次出现在 {first_file} 第 {first_line} 行）")
        }
        R::DuplicateTransaction => "流水号重复：已去重，保留第一条".into(),
        R::CustomerAlreadyHeld => "客户已存在：保留原有记录".into(),
        R::FutureDate => "日期晚于今天".into(),
        R::NegativeAmountWithDirection => "已有借贷方向，金额却为负数".into(),
        R::DebitCreditConflict => "借方金额与贷方金额必须且只能填一个".into(),
        R::ScoreOutOfRange => "评分须在 0 到 10 之间".into(),
        R::NegativeAmount => "金额不能为负数".into(),
        R::UnclosedQuote => "此处的引号没有闭合，文件其余内容都并入了本行".into(),
        R::Unreadable(why) => why.clone(),
        R::UnmappedFields(fields) => {
            let names: Vec<&str> = fields.iter().map(|&f| field_name(f, lang)).collect();
            format!("必填字段未映射：{}", names.join("、"))
        }
        R::UndecodableCharacters(n) => format!("{n} 个字符无法解码：请检查文件编码"),
        R::RowTooLong => format!(
            "此行超过 {} MiB 文本或 {} 列，超出任何导出行的长度：未读取（常见原因是引号未闭合，把其后的行并入了一行）",
            crate::import::MAX_ROW_BYTES >> 20,
            crate::import::MAX_ROW_CELLS
        ),
        R::OtherEncoding { found, file } => format!(
            "此行是 {} 文本，而文件按 {} 读取：请把整个文件另存为同一种编码",
            found.label(),
            file.label()
        ),
        R::UnknownAccount => "找不到该账号，或该账号在持有关系中没有户主".into(),
        R::NotOwner => "持有关系不是户主：此关系不归属账户（如需计入，请在取值映射中把该关系指定为户主）".into(),
        R::SecondOwner => "该账户已有户主：归属于先出现的户主".into(),
        R::DuplicateHeader => "表头与前面的列重名：此列已改名，保留自己的取值".into(),
        R::UnsignedAmounts => {
            "金额没有正负号，也没有借贷方向列：请映射借贷方向（借贷标志、CR/DR、收/支），以区分流入和流出".into()
        }
    }
}

fn value_error_zh(error: crate::import::ValueError) -> &'static str {
    use crate::import::ValueError as V;
    match error {
        V::NotADate => "不是日期",
        V::ImpossibleDate => "日历上没有这一天",
        V::AmbiguousDate => "无法判断日、月顺序，请指定日期格式",
        V::NoCentury => "两位年份未指定世纪",
        V::NotAnAmount => "不是金额",
        V::SubFenAmount => "金额精度超过分",
        V::AmountOverflow => "金额超过 ±10^15：没有账户持有这么多",
        V::NotAGender => "不是性别代码（男/女/M/F/1/2）",
        V::NotADirection => "不是借贷方向（借/贷/IN/OUT/D/C）",
        V::NotYesNo => "不是“是/否”",
        V::NotANumber => "不是有效范围内的整数",
        V::UnknownProduct => "不是已知的产品大类：暂计入其他资产，可在取值映射中指定",
        V::OtherCurrency(_) => "金额币种不是数据集的币种",
    }
}

/// Stored entity keys (`customers`, or `customers/holdings` for a file that held both) in the
/// reader's words; a key this release does not know is shown as stored.
pub fn entity_names(keys: &str, lang: Lang) -> String {
    keys.split(['/', ','])
        .map(|key| {
            crate::import::Entity::from_key(key.trim()).map_or_else(
                || key.trim().to_owned(),
                |e| entity_name(e, lang).to_owned(),
            )
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The demo's and common Chinese core-banking exports' channel and category words, in English:
/// product names are translated, so these are too. A value not in the list is data and is
/// shown as it was imported.
pub fn banking_term(value: &str, lang: Lang) -> &str {
    if lang == Lang::Zh {
        return value;
    }
    match value {
        "手机银行" => "Mobile banking",
        "网上银行" | "网银" => "Online banking",
        "柜面" | "柜台" => "Branch counter",
        "ATM" => "ATM",
        "POS" => "POS",
        "工资" | "代发工资" => "Salary",
        "转账收入" => "Transfer in",
        "转账支出" => "Transfer out",
        "理财赎回" => "Wealth redemption",
        "理财申购" => "Wealth purchase",
        "经营收入" => "Business income",
        "消费" => "Spending",
        "还款" => "Loan repayment",
        "缴费" => "Bill payment",
        other => other,
    }
}

/// The name of an entity (what a file holds), for the import screen.
pub fn entity_name(entity: crate::import::Entity, lang: Lang) -> &'static str {
    use crate::import::Entity::*;
    match (entity, lang) {
        (Customers, Lang::Zh) => "客户",
        (Customers, Lang::En) => "Customers",
        (Holdings, Lang::Zh) => "持仓 / 余额",
        (Holdings, Lang::En) => "Holdings",
        (Transactions, Lang::Zh) => "交易流水",
        (Transactions, Lang::En) => "Transactions",
        (RelationshipManagers, Lang::Zh) => "客户经理",
        (RelationshipManagers, Lang::En) => "Relationship managers",
        (Interactions, Lang::Zh) => "接触记录",
        (Interactions, Lang::En) => "Interactions",
        (Feedback, Lang::Zh) => "满意度反馈",
        (Feedback, Lang::En) => "Feedback",
        (Accounts, Lang::Zh) => "账户",
        (Accounts, Lang::En) => "Accounts",
        (AccountLinks, Lang::Zh) => "账户持有关系",
        (AccountLinks, Lang::En) => "Account-holder links",
    }
}

/// The name of an import field, in the bank's words.
/// A canonical value of a value map in the reader's words: `field`'s (`in`, `card`, `贷款` …),
/// or, for `None`, a kept column's yes/no.
pub fn canonical_label(field: Option<crate::import::Field>, value: &str, lang: Lang) -> String {
    use crate::import::{canonical_values, Field, FLAG_VALUES};
    let canonical = field.map_or(&FLAG_VALUES[..], canonical_values);
    let zh = canonical
        .iter()
        .find(|(v, _)| *v == value)
        .map_or(value, |(_, zh)| zh);
    if lang == Lang::Zh {
        return zh.to_owned();
    }
    let english = match (field, value) {
        (Some(Field::ProductType), _) => {
            return crate::model::ProductType::from_name(value)
                .english_name()
                .to_owned()
        }
        (Some(Field::Direction), "in") => "In (credit)",
        (Some(Field::Direction), _) => "Out (debit)",
        (Some(Field::Channel), "counter") => "Counter",
        (Some(Field::Channel), "online") => "Online banking",
        (Some(Field::Channel), "mobile") => "Mobile banking",
        (Some(Field::Channel), "atm") => "ATM",
        (Some(Field::Channel), "card") => "Card (POS)",
        (Some(Field::Channel), "third_party") => "Third-party payment",
        (Some(Field::Category), "purchase") => "Purchase",
        (Some(Field::Category), "repayment") => "Repayment",
        (Some(Field::Category), "salary") => "Salary",
        (Some(Field::Category), "transfer") => "Transfer",
        (Some(Field::Category), "investment") => "Investment",
        (Some(Field::Category), "cash") => "Cash withdrawal",
        (Some(Field::Category), "fee") => "Fee",
        (Some(Field::Category), "interest") => "Interest",
        (Some(Field::Channel | Field::Category), "other") => "Other",
        (None, "yes") => "Yes",
        (None, "no") => "No",
        _ => value,
    };
    english.to_owned()
}

pub fn field_name(field: crate::import::Field, lang: Lang) -> &'static str {
    use crate::import::Field::*;
    let (zh, en) = match field {
        CustomerId => ("客户号", "Customer ID"),
        Name => ("姓名", "Name"),
        Gender => ("性别", "Gender"),
        BirthDate => ("出生日期", "Birth date"),
        City => ("城市", "City"),
        Occupation => ("职业", "Occupation"),
        AnnualIncome => ("年收入", "Annual income"),
        RiskLevel => ("风险等级", "Risk level"),
        RmId => ("客户经理工号", "RM ID"),
        OpenDate => ("开户日期", "Opening date"),
        ProductType => ("产品类型", "Product type"),
        ProductCode => ("产品代码", "Product code"),
        Balance => ("余额", "Balance"),
        AsOf => ("数据日期", "As-of date"),
        TxnId => ("流水号", "Transaction ID"),
        TxnDate => ("交易日期", "Transaction date"),
        Amount => ("金额", "Amount"),
        Direction => ("借贷标志", "Direction"),
        DebitAmount => ("借方金额", "Debit amount"),
        CreditAmount => ("贷方金额", "Credit amount"),
        Channel => ("渠道", "Channel"),
        Category => ("交易类别", "Category"),
        Branch => ("支行", "Branch"),
        Date => ("日期", "Date"),
        InteractionKind => ("接触方式", "Kind"),
        Note => ("内容", "Note"),
        Score => ("评分", "Score"),
        Comment => ("意见", "Comment"),
        ProductRiskLevel => ("产品风险等级", "Product risk level"),
        Age => ("年龄", "Age"),
        DepositBalance => ("活期余额", "Demand deposit balance"),
        TimeDepositBalance => ("定期余额", "Time deposit balance"),
        WealthBalance => ("理财余额", "Wealth product balance"),
        FundBalance => ("基金余额", "Fund balance"),
        InsuranceBalance => ("保险余额", "Insurance balance"),
        LoanBalance => ("贷款余额", "Loan balance"),
        CardBalance => ("信用卡余额", "Credit card balance"),
        AccountId => ("账号", "Account ID"),
        Role => ("持有关系", "Holder role"),
        MaturityDate => ("到期日", "Maturity date"),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_exists_in_both_languages() {
        for &msg in Msg::ALL {
            assert!(!msg.zh().trim().is_empty(), "{msg:?} has no Chinese text");
            assert!(!msg.en().trim().is_empty(), "{msg:?} has no English text");
        }
    }

    #[test]
    fn every_value_error_has_chinese_text() {
        use crate::import::{IssueReason, ValueError};
        let errors = [
            ValueError::NotADate,
            ValueError::ImpossibleDate,
            ValueError::AmbiguousDate,
            ValueError::NoCentury,
            ValueError::NotAnAmount,
            ValueError::SubFenAmount,
            ValueError::AmountOverflow,
            ValueError::NotAGender,
            ValueError::NotADirection,
            ValueError::NotYesNo,
            ValueError::NotANumber,
            ValueError::UnknownProduct,
            ValueError::OtherCurrency(crate::model::Currency::Usd),
        ];
        for error in errors {
            let zh = issue_reason(&IssueReason::BadValue(error), Lang::Zh);
            assert!(!zh.is_ascii(), "{error:?} has no Chinese text");
            assert_eq!(
                issue_reason(&IssueReason::BadValue(error), Lang::En),
                error.to_string()
            );
        }
    }

    #[test]
    fn browser_language_picks_chinese_only_for_zh() {
        assert_eq!(Lang::from_browser("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_browser("zh-TW"), Lang::Zh);
        assert_eq!(Lang::from_browser("en-US"), Lang::En);
        assert_eq!(Lang::from_browser("de"), Lang::En);
    }
}
