package io.icpbench.analysis;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The XChart pieces every plot of {@link HtmlReport} is drawn with: the chart, a series in an arm's colour, segments, labels. */
final class Charts {
    /** A chart's width, pixels. */
    static final int W = 1000;

    private Charts() {
    }

    /** The chart as an embedded PNG image. */
    static String img(XYChart chart) throws IOException {
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        return "<img alt=\"" + HtmlReport.escape(chart.getTitle()) + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\">\n";
    }

    /** A scatter chart {@link #W} wide with a white background and the legend on the right. */
    static XYChart chart(String title, String x, String y, int height) {
        XYChart c = new XYChartBuilder().width(W).height(height).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setMarkerSize(7);
        return c;
    }

    /** A series in the arm's colour: line, marker and fill. */
    static XYSeries paint(XYSeries s, Color colour) {
        s.setLineColor(colour);
        s.setMarkerColor(colour);
        s.setFillColor(colour);
        return s;
    }

    /** A vertical or horizontal segment without markers or a legend entry (a CI). */
    static void segment(XYChart c, String name, double[] xs, double[] ys, Color colour, float width) {
        XYSeries s = paint(c.addSeries(name, xs, ys), colour);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(new BasicStroke(width));
        s.setShowInLegend(false);
    }

    /**
     * Text in the plot at data coordinates, in the tick labels' font. Used for categorical labels
     * (arm names) and the log axis' ticks instead of XChart's tick formatters: XChart needs every
     * tick label distinct and loops forever without, so a categorical axis cannot leave its
     * in-between ticks blank.
     */
    static void label(XYChart c, String text, double x, double y) {
        c.addAnnotation(new AnnotationText(text, x, y, false));
        c.getStyler().setAnnotationTextFont(c.getStyler().getAxisTickLabelsFont());
        c.getStyler().setAnnotationTextFontColor(Color.BLACK);
    }

    /** A line through the points, in the colour, without markers; nothing when there are none. */
    static void line(XYChart c, String name, List<Double> xs, List<Double> ys, Color colour) {
        if (xs.isEmpty()) {
            return;
        }
        XYSeries s = paint(c.addSeries(name, xs, ys), colour);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
    }
}
