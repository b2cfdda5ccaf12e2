package main

import (
	"fmt"
	"sort"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// drainSeconds is the longest the service takes from SIGTERM to exit: the bridge's 10 s,
// the gRPC server's 10 s, then 20 s for calls still running (docs/operations.md).
const drainSeconds = 40

// secretVariables must come from a Secret (secretKeyRef), never as a value in the chart.
var secretVariables = []string{"MONGODB_URI", "REDIS_URL", "REDIS_PASSWORD", "REDIS_SENTINEL_PASSWORD",
	"KEY_ENCRYPTION_KEY", "JWT_SECRET_KEY", "SMTP_URL", "DB_PASSWORD", "ADMIN_PASSWORD"}

type envEntry struct {
	Name   string `json:"name"`
	Value  string `json:"value,omitempty"`
	Secret string `json:"secret,omitempty"` // <secret name>/<key>
}

type summary struct {
	Kinds                         []string   `json:"kinds"`
	Replicas                      *int32     `json:"replicas"`
	Env                           []envEntry `json:"env"`
	PreStopSleepSeconds           int64      `json:"preStopSleepSeconds"`
	TerminationGracePeriodSeconds int64      `json:"terminationGracePeriodSeconds"`
	ReadinessService              string     `json:"readinessService"`
	ServicePorts                  []string   `json:"servicePorts"`
	MemoryRequestBytes            int64      `json:"memoryRequestBytes"`
	HPA                           *[2]int32  `json:"hpa"`
	ServiceMonitor                bool       `json:"serviceMonitor"`
}

type checker struct{ problems []string }

func (c *checker) expect(ok bool, format string, args ...any) {
	if !ok {
		c.problems = append(c.problems, fmt.Sprintf(format, args...))
	}
}

func check(manifests []manifest) (summary, []string) {
	c := &checker{}
	var s summary
	var deployments []*appsv1.Deployment
	var services []*corev1.Service
	for _, m := range manifests {
		if m.monitor != nil {
			s.Kinds = append(s.Kinds, "ServiceMonitor")
			continue
		}
		s.Kinds = append(s.Kinds, m.object.GetObjectKind().GroupVersionKind().Kind)
		switch o := m.object.(type) {
		case *appsv1.Deployment:
			deployments = append(deployments, o)
		case *corev1.Service:
			services = append(services, o)
		}
	}
	sort.Strings(s.Kinds)
	c.expect(len(deployments) == 1 && len(services) == 1, "want one Deployment and one Service, got %d and %d", len(deployments), len(services))
	if len(c.problems) > 0 {
		return s, c.problems
	}
	deployment, service := deployments[0], services[0]
	pod := deployment.Spec.Template
	c.checkDeployment(deployment, &s)
	ports := containerPorts(pod.Spec.Containers)
	c.checkService(service, pod.Labels, ports, &s)
	for _, m := range manifests {
		if m.monitor != nil {
			s.ServiceMonitor = true
			c.checkServiceMonitor(m.monitor, service)
			continue
		}
		switch o := m.object.(type) {
		case *policyv1.PodDisruptionBudget:
			c.selects("PodDisruptionBudget", o.Spec.Selector, pod.Labels)
		case *autoscalingv2.HorizontalPodAutoscaler:
			target := o.Spec.ScaleTargetRef
			c.expect(target.APIVersion == "apps/v1" && target.Kind == "Deployment" && target.Name == deployment.Name,
				"HorizontalPodAutoscaler targets %s %s %q, not the Deployment %q", target.APIVersion, target.Kind, target.Name, deployment.Name)
			min := int32(1)
			if o.Spec.MinReplicas != nil {
				min = *o.Spec.MinReplicas
			}
			c.expect(min <= o.Spec.MaxReplicas, "HorizontalPodAutoscaler minReplicas %d > maxReplicas %d", min, o.Spec.MaxReplicas)
			c.expect(deployment.Spec.Replicas == nil, "the Deployment sets replicas although an HPA owns the count")
			s.HPA = &[2]int32{min, o.Spec.MaxReplicas}
		case *networkingv1.NetworkPolicy:
			c.selects("NetworkPolicy", &o.Spec.PodSelector, pod.Labels)
			for _, rule := range o.Spec.Ingress {
				for _, port := range rule.Ports {
					ok := port.Port != nil
					if ok {
						_, ok = ports[port.Port.String()]
					}
					c.expect(ok, "NetworkPolicy allows port %v, which no container port is", port.Port)
				}
			}
		}
	}
	if s.HPA == nil {
		c.expect(deployment.Spec.Replicas != nil, "neither replicas nor an HPA")
	}
	return s, c.problems
}

// containerPorts indexes the containers' ports by name and by number.
func containerPorts(containers []corev1.Container) map[string]corev1.ContainerPort {
	ports := map[string]corev1.ContainerPort{}
	for _, container := range containers {
		for _, port := range container.Ports {
			ports[port.Name] = port
			ports[fmt.Sprint(port.ContainerPort)] = port
		}
	}
	return ports
}

func (c *checker) selects(what string, selector *metav1.LabelSelector, podLabels map[string]string) {
	parsed, err := metav1.LabelSelectorAsSelector(selector)
	c.expect(err == nil && !parsed.Empty() && parsed.Matches(labels.Set(podLabels)),
		"%s's selector %v does not select the Deployment's pods (%v)", what, selector, podLabels)
}

func (c *checker) checkService(service *corev1.Service, podLabels map[string]string, ports map[string]corev1.ContainerPort, s *summary) {
	c.expect(len(service.Spec.Selector) > 0 && labels.SelectorFromSet(service.Spec.Selector).Matches(labels.Set(podLabels)),
		"the Service's selector %v does not select the Deployment's pods", service.Spec.Selector)
	for _, port := range service.Spec.Ports {
		target, ok := ports[port.TargetPort.String()]
		c.expect(ok, "Service port %s targets %s, which no container port is", port.Name, port.TargetPort.String())
		c.expect(!ok || target.Protocol == port.Protocol, "Service port %s is %s, its container port %s", port.Name, port.Protocol, target.Protocol)
		s.ServicePorts = append(s.ServicePorts, fmt.Sprintf("%s:%d->%d", port.Name, port.Port, target.ContainerPort))
	}
	for _, name := range []string{"grpc", "bridge"} {
		_, ok := ports[name]
		c.expect(ok, "no container port named %s", name)
	}
}

func (c *checker) checkServiceMonitor(monitor *serviceMonitor, service *corev1.Service) {
	c.expect(labels.SelectorFromSet(monitor.Spec.Selector.MatchLabels).Matches(labels.Set(service.Labels)) && len(monitor.Spec.Selector.MatchLabels) > 0,
		"the ServiceMonitor's selector %v does not select the Service", monitor.Spec.Selector.MatchLabels)
	for _, endpoint := range monitor.Spec.Endpoints {
		found := false
		for _, port := range service.Spec.Ports {
			found = found || port.Name == endpoint.Port
		}
		c.expect(found, "the ServiceMonitor scrapes port %q, which the Service lacks", endpoint.Port)
	}
}
