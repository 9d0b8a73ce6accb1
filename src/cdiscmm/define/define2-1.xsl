<?xml version="1.0" encoding="UTF-8"?>
<!-- cdiscmm's own stylesheet for Define-XML 2.1 (with ARM 1.0): one HTML page with the standards, the dataset
     list, a table per dataset, value-level metadata, codelists, methods, comments and analysis results.
     XSLT 1.0, so that browsers and lxml apply it alike. Anchors are the OIDs, so links follow the references. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:odm="http://www.cdisc.org/ns/odm/v1.3"
    xmlns:def="http://www.cdisc.org/ns/def/v2.1"
    xmlns:arm="http://www.cdisc.org/ns/arm/v1.0"
    xmlns:xlink="http://www.w3.org/1999/xlink"
    exclude-result-prefixes="odm def arm xlink">
  <xsl:output method="html" encoding="UTF-8" indent="yes"/>

  <xsl:key name="item" match="odm:ItemDef" use="@OID"/>
  <xsl:key name="codelist" match="odm:CodeList" use="@OID"/>
  <xsl:key name="method" match="odm:MethodDef" use="@OID"/>
  <xsl:key name="comment" match="def:CommentDef" use="@OID"/>
  <xsl:key name="valuelist" match="def:ValueListDef" use="@OID"/>
  <xsl:key name="where" match="def:WhereClauseDef" use="@OID"/>
  <xsl:key name="leaf" match="def:leaf" use="@ID"/>
  <xsl:key name="group" match="odm:ItemGroupDef" use="@OID"/>

  <xsl:variable name="mdv" select="/odm:ODM/odm:Study/odm:MetaDataVersion"/>

  <xsl:template match="/">
    <html lang="en">
      <head>
        <meta charset="UTF-8"/>
        <title><xsl:value-of select="$mdv/@Name"/></title>
        <style>
          body { font-family: Arial, Helvetica, sans-serif; font-size: 13px; margin: 0; color: #1b1b1b; }
          nav { position: fixed; top: 0; left: 0; bottom: 0; width: 210px; overflow-y: auto; background: #eef2f6;
                padding: 10px; border-right: 1px solid #c6ced8; }
          nav a { display: block; color: #0b4f8a; text-decoration: none; padding: 1px 0; }
          nav h2 { font-size: 13px; margin: 12px 0 4px; }
          main { margin-left: 240px; padding: 10px 20px 40px; }
          h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; } h3 { font-size: 14px; }
          table { border-collapse: collapse; margin: 6px 0 18px; width: 100%; }
          caption { text-align: left; font-weight: bold; padding: 4px 0; font-size: 14px; }
          th { background: #dbe4ee; text-align: left; }
          th, td { border: 1px solid #b8c2cc; padding: 3px 6px; vertical-align: top; }
          tr:nth-child(even) td { background: #f7f9fb; }
          .extended { color: #8a4b00; }
          .small { color: #555; font-size: 12px; }
          .translated { color: #2b4a6b; }
          a { color: #0b4f8a; }
        </style>
      </head>
      <body>
        <nav>
          <h2>Datasets</h2>
          <xsl:for-each select="$mdv/odm:ItemGroupDef">
            <a href="#{@OID}"><xsl:value-of select="@Name"/></a>
          </xsl:for-each>
          <h2>Sections</h2>
          <xsl:if test="$mdv/arm:AnalysisResultDisplays"><a href="#arm">Analysis results</a></xsl:if>
          <xsl:if test="$mdv/def:ValueListDef"><a href="#valuelevel">Value-level metadata</a></xsl:if>
          <a href="#codelists">Codelists</a>
          <a href="#methods">Methods</a>
          <a href="#comments">Comments</a>
          <a href="#documents">Documents</a>
        </nav>
        <main>
          <h1><xsl:value-of select="/odm:ODM/odm:Study/odm:GlobalVariables/odm:StudyName"/>:
            <xsl:value-of select="$mdv/@Name"/></h1>
          <p><xsl:value-of select="/odm:ODM/odm:Study/odm:GlobalVariables/odm:StudyDescription"/></p>
          <p class="small">Define-XML <xsl:value-of select="$mdv/@def:DefineVersion"/>, created
            <xsl:value-of select="/odm:ODM/@CreationDateTime"/> by <xsl:value-of select="/odm:ODM/@SourceSystem"/>
            <xsl:text> </xsl:text><xsl:value-of select="/odm:ODM/@SourceSystemVersion"/></p>
          <xsl:call-template name="standards"/>
          <xsl:call-template name="dataset-list"/>
          <xsl:apply-templates select="$mdv/arm:AnalysisResultDisplays"/>
          <xsl:apply-templates select="$mdv/odm:ItemGroupDef"/>
          <xsl:if test="$mdv/def:ValueListDef">
            <h2 id="valuelevel">Value-level metadata</h2>
            <xsl:apply-templates select="$mdv/def:ValueListDef"/>
          </xsl:if>
          <h2 id="codelists">Codelists</h2>
          <xsl:apply-templates select="$mdv/odm:CodeList"/>
          <xsl:call-template name="methods"/>
          <xsl:call-template name="comments"/>
          <xsl:call-template name="documents"/>
        </main>
      </body>
    </html>
  </xsl:template>

  <!-- A description: its first TranslatedText (English), then each other language on a line of its own. -->
  <xsl:template name="text">
    <xsl:param name="node"/>
    <xsl:value-of select="$node/odm:Description/odm:TranslatedText[1]"/>
    <xsl:for-each select="$node/odm:Description/odm:TranslatedText[position() &gt; 1]">
      <br/><span class="translated" lang="{@xml:lang}"><xsl:value-of select="."/></span>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="standards">
    <table id="standards">
      <caption>Standards</caption>
      <tr><th>Name</th><th>Type</th><th>Publishing set</th><th>Version</th><th>Status</th></tr>
      <xsl:for-each select="$mdv/def:Standards/def:Standard">
        <tr><td><xsl:value-of select="@Name"/></td><td><xsl:value-of select="@Type"/></td>
          <td><xsl:value-of select="@PublishingSet"/></td><td><xsl:value-of select="@Version"/></td>
          <td><xsl:value-of select="@Status"/></td></tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <xsl:template name="dataset-list">
    <table id="datasets">
      <caption>Datasets</caption>
      <tr><th>Dataset</th><th>Description</th><th>Class</th><th>Structure</th><th>Purpose</th><th>Keys</th>
        <th>Location</th></tr>
      <xsl:for-each select="$mdv/odm:ItemGroupDef">
        <tr>
          <td><a href="#{@OID}"><xsl:value-of select="@Name"/></a></td>
          <td><xsl:call-template name="text"><xsl:with-param name="node" select="."/></xsl:call-template></td>
          <td><xsl:value-of select="def:Class/@Name"/>
            <xsl:if test="def:Class/def:SubClass"> / <xsl:value-of select="def:Class/def:SubClass/@Name"/></xsl:if></td>
          <td><xsl:value-of select="@def:Structure"/></td>
          <td><xsl:value-of select="@Purpose"/></td>
          <td><xsl:call-template name="keys"/></td>
          <td><a href="{def:leaf/@xlink:href}"><xsl:value-of select="def:leaf/def:title"/></a></td>
        </tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <xsl:template name="keys">
    <xsl:for-each select="odm:ItemRef[@KeySequence]">
      <xsl:sort select="@KeySequence" data-type="number"/>
      <xsl:value-of select="key('item', @ItemOID)/@Name"/>
      <xsl:if test="position() != last()">, </xsl:if>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="odm:ItemGroupDef">
    <table id="{@OID}" class="dataset">
      <caption><xsl:value-of select="@Name"/> (<xsl:call-template name="text">
        <xsl:with-param name="node" select="."/></xsl:call-template>) —
        <a href="{def:leaf/@xlink:href}"><xsl:value-of select="def:leaf/def:title"/></a>
        <xsl:if test="@def:CommentOID"><br/><span class="small"><xsl:call-template name="text">
          <xsl:with-param name="node" select="key('comment', @def:CommentOID)"/></xsl:call-template></span></xsl:if>
      </caption>
      <tr><th>Variable</th><th>Label</th><th>Key</th><th>Type</th><th>Length</th><th>Controlled terms or format</th>
        <th>Mandatory</th><th>Origin / source / method / comment</th></tr>
      <xsl:for-each select="odm:ItemRef">
        <xsl:sort select="@OrderNumber" data-type="number"/>
        <xsl:variable name="item" select="key('item', @ItemOID)"/>
        <tr>
          <td id="{$item/@OID}"><xsl:value-of select="$item/@Name"/></td>
          <td><xsl:call-template name="text"><xsl:with-param name="node" select="$item"/></xsl:call-template></td>
          <td><xsl:value-of select="@KeySequence"/></td>
          <td><xsl:value-of select="$item/@DataType"/></td>
          <td><xsl:value-of select="$item/@Length"/>
            <xsl:if test="$item/@SignificantDigits"> (<xsl:value-of select="$item/@SignificantDigits"/>)</xsl:if></td>
          <td><xsl:call-template name="terms"><xsl:with-param name="item" select="$item"/></xsl:call-template></td>
          <td><xsl:value-of select="@Mandatory"/></td>
          <td><xsl:call-template name="origin">
            <xsl:with-param name="item" select="$item"/><xsl:with-param name="method" select="@MethodOID"/>
          </xsl:call-template></td>
        </tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <xsl:template name="terms">
    <xsl:param name="item"/>
    <xsl:for-each select="$item/odm:CodeListRef">
      <a href="#{@CodeListOID}"><xsl:value-of select="key('codelist', @CodeListOID)/@Name"/></a>
    </xsl:for-each>
    <xsl:if test="$item/@def:DisplayFormat"><xsl:value-of select="$item/@def:DisplayFormat"/></xsl:if>
    <xsl:for-each select="$item/def:ValueListRef">
      <br/><a href="#{@ValueListOID}">Value-level metadata</a>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="origin">
    <xsl:param name="item"/>
    <xsl:param name="method"/>
    <xsl:for-each select="$item/def:Origin">
      <xsl:value-of select="@Type"/>
      <xsl:if test="@Source"> (<xsl:value-of select="@Source"/>)</xsl:if>
      <xsl:if test="odm:Description">: <xsl:call-template name="text">
        <xsl:with-param name="node" select="."/></xsl:call-template></xsl:if>
    </xsl:for-each>
    <xsl:if test="$method"><br/><a href="#{$method}">Method</a>: <xsl:call-template name="text">
      <xsl:with-param name="node" select="key('method', $method)"/></xsl:call-template></xsl:if>
    <xsl:if test="$item/@def:CommentOID"><br/><span class="small"><xsl:call-template name="text">
      <xsl:with-param name="node" select="key('comment', $item/@def:CommentOID)"/></xsl:call-template></span></xsl:if>
  </xsl:template>

  <xsl:template name="where">
    <xsl:param name="oid"/>
    <xsl:for-each select="key('where', $oid)/odm:RangeCheck">
      <xsl:value-of select="key('item', @def:ItemOID)/@Name"/><xsl:text> </xsl:text>
      <xsl:value-of select="@Comparator"/><xsl:text> </xsl:text>
      <xsl:for-each select="odm:CheckValue"><xsl:value-of select="."/>
        <xsl:if test="position() != last()">, </xsl:if></xsl:for-each>
      <xsl:if test="position() != last()"> and </xsl:if>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="def:ValueListDef">
    <table id="{@OID}" class="valuelist">
      <caption>Value list <xsl:value-of select="@OID"/></caption>
      <tr><th>Variable</th><th>Where</th><th>Label</th><th>Type</th><th>Length</th>
        <th>Controlled terms or format</th><th>Origin / source / method / comment</th></tr>
      <xsl:for-each select="odm:ItemRef">
        <xsl:variable name="item" select="key('item', @ItemOID)"/>
        <tr>
          <td id="{$item/@OID}"><xsl:value-of select="$item/@Name"/></td>
          <td><xsl:call-template name="where">
            <xsl:with-param name="oid" select="def:WhereClauseRef/@WhereClauseOID"/></xsl:call-template></td>
          <td><xsl:call-template name="text"><xsl:with-param name="node" select="$item"/></xsl:call-template></td>
          <td><xsl:value-of select="$item/@DataType"/></td>
          <td><xsl:value-of select="$item/@Length"/></td>
          <td><xsl:call-template name="terms"><xsl:with-param name="item" select="$item"/></xsl:call-template></td>
          <td><xsl:call-template name="origin">
            <xsl:with-param name="item" select="$item"/><xsl:with-param name="method" select="@MethodOID"/>
          </xsl:call-template></td>
        </tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <xsl:template match="odm:CodeList">
    <table id="{@OID}" class="codelist">
      <caption><xsl:value-of select="@Name"/>
        <xsl:if test="odm:Alias"> [<xsl:value-of select="odm:Alias/@Name"/>]</xsl:if>
        <xsl:if test="@def:IsNonStandard = 'Yes'"> (sponsor-defined)</xsl:if></caption>
      <xsl:choose>
        <xsl:when test="odm:ExternalCodeList">
          <tr><th>Dictionary</th><th>Version</th></tr>
          <tr><td><xsl:value-of select="odm:ExternalCodeList/@Dictionary"/></td>
            <td><xsl:value-of select="odm:ExternalCodeList/@Version"/></td></tr>
        </xsl:when>
        <xsl:otherwise>
          <tr><th>Coded value</th><th>Decode</th><th>NCI code</th></tr>
          <xsl:for-each select="odm:CodeListItem | odm:EnumeratedItem">
            <tr>
              <td><xsl:value-of select="@CodedValue"/>
                <xsl:if test="@def:ExtendedValue = 'Yes'"> <span class="extended"> *</span></xsl:if></td>
              <td><xsl:value-of select="odm:Decode/odm:TranslatedText[1]"/>
                <xsl:for-each select="odm:Decode/odm:TranslatedText[position() &gt; 1]">
                  <br/><span class="translated" lang="{@xml:lang}"><xsl:value-of select="."/></span>
                </xsl:for-each></td>
              <td><xsl:value-of select="odm:Alias/@Name"/></td>
            </tr>
          </xsl:for-each>
        </xsl:otherwise>
      </xsl:choose>
    </table>
  </xsl:template>

  <xsl:template match="arm:AnalysisResultDisplays">
    <h2 id="arm">Analysis results</h2>
    <xsl:for-each select="arm:ResultDisplay">
      <h3 id="{@OID}"><xsl:value-of select="@Name"/>: <xsl:call-template name="text">
        <xsl:with-param name="node" select="."/></xsl:call-template></h3>
      <table class="analysis">
        <tr><th>Result</th><th>Reason / purpose</th><th>Dataset, records, variables</th><th>Documentation</th>
          <th>Programming code</th></tr>
        <xsl:for-each select="arm:AnalysisResult">
          <tr id="{@OID}">
            <td><xsl:call-template name="text"><xsl:with-param name="node" select="."/></xsl:call-template></td>
            <td><xsl:value-of select="@AnalysisReason"/><br/><xsl:value-of select="@AnalysisPurpose"/></td>
            <td><xsl:for-each select="arm:AnalysisDatasets/arm:AnalysisDataset">
              <a href="#{@ItemGroupOID}"><xsl:value-of select="key('group', @ItemGroupOID)/@Name"/></a>
              <xsl:if test="def:WhereClauseRef"> where <xsl:call-template name="where">
                <xsl:with-param name="oid" select="def:WhereClauseRef/@WhereClauseOID"/></xsl:call-template></xsl:if>:
              <xsl:for-each select="arm:AnalysisVariable"><xsl:value-of select="key('item', @ItemOID)/@Name"/>
                <xsl:if test="position() != last()">, </xsl:if></xsl:for-each><br/>
            </xsl:for-each></td>
            <td><xsl:call-template name="text">
              <xsl:with-param name="node" select="arm:Documentation"/></xsl:call-template></td>
            <td><span class="small"><xsl:value-of select="arm:ProgrammingCode/@Context"/></span><br/>
              <code><xsl:value-of select="arm:ProgrammingCode/arm:Code"/></code></td>
          </tr>
        </xsl:for-each>
      </table>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="methods">
    <h2 id="methods">Methods</h2>
    <table>
      <tr><th>Method</th><th>Type</th><th>Description</th></tr>
      <xsl:for-each select="$mdv/odm:MethodDef">
        <tr id="{@OID}"><td><xsl:value-of select="@Name"/></td><td><xsl:value-of select="@Type"/></td>
          <td><xsl:call-template name="text"><xsl:with-param name="node" select="."/></xsl:call-template></td></tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <xsl:template name="comments">
    <h2 id="comments">Comments</h2>
    <table>
      <tr><th>Comment</th><th>Description</th></tr>
      <xsl:for-each select="$mdv/def:CommentDef">
        <tr id="{@OID}"><td><xsl:value-of select="@OID"/></td>
          <td><xsl:call-template name="text"><xsl:with-param name="node" select="."/></xsl:call-template></td></tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <xsl:template name="documents">
    <h2 id="documents">Documents</h2>
    <table>
      <tr><th>Document</th><th>File</th></tr>
      <xsl:for-each select="$mdv/def:leaf">
        <tr id="{@ID}"><td><xsl:value-of select="def:title"/></td>
          <td><a href="{@xlink:href}"><xsl:value-of select="@xlink:href"/></a></td></tr>
      </xsl:for-each>
    </table>
  </xsl:template>
</xsl:stylesheet>
